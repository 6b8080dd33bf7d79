//! LiveClass's HTTP shell: actix-web routes over `liveclass-domain`'s
//! service, bearer-JWT authentication, one error shape for every failure, and
//! the OpenAPI document generated from the handlers.
//!
//! The server (and every test) builds the whole application with
//! [`app`]`(`[`AppState`]`)`: one state, one registration list
//! ([`routes`]) from which the OpenAPI document also comes.

pub mod auth;
pub mod claim_map;
pub mod cors;
mod dto;
pub mod error;
mod extract;
mod handlers;
pub mod ical;
pub mod idempotency;
pub mod join_page;
pub mod jwks;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod provider_signature;
pub mod rate_limit;
pub mod routes;
mod state;
pub mod stream;

pub use auth::{Authenticated, Claims, JwtConfig, JwtKey, JwtVerifier, TokenIssuer};
pub use claim_map::{ClaimMapping, ClaimPath, RoleMap};
pub use error::{ApiError, ErrorBody, ErrorCode};
pub use jwks::JwksSource;
pub use routes::app;
pub use state::AppState;
pub use stream::{EventHub, StreamSettings, StreamTokens};
