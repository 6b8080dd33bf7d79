//! LiveClass's HTTP shell: actix-web routes over `liveclass-domain`'s
//! service, bearer-JWT authentication, one error shape for every failure, and
//! the OpenAPI document generated from the handlers.
//!
//! The server (and every test) builds the whole application with
//! [`app`]`(`[`AppState`]`)`: one state, one registration list
//! ([`routes`]) from which the OpenAPI document also comes.

pub mod auth;
mod dto;
pub mod error;
mod extract;
mod handlers;
pub mod ical;
pub mod idempotency;
pub mod middleware;
pub mod openapi;
pub mod routes;
mod state;
pub mod stream;

pub use auth::{Authenticated, Claims, JwtConfig, JwtKey, JwtVerifier, TokenIssuer};
pub use error::{ApiError, ErrorBody, ErrorCode};
pub use routes::app;
pub use state::AppState;
pub use stream::{EventHub, StreamSettings, StreamTokens};
