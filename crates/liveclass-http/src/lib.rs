//! LiveClass's HTTP shell: actix-web routes over `liveclass-domain`'s
//! service, bearer-JWT authentication, one error shape for every failure, and
//! the OpenAPI document generated from the handlers.
//!
//! The server builds the `App`: `App::new().wrap(middleware::json_errors())
//! .wrap(middleware::request_id_header()).wrap(TracingLogger::default())
//! .app_data(service).app_data(verifier).configure(routes::configure)`.

pub mod auth;
mod dto;
pub mod error;
mod extract;
mod handlers;
pub mod ical;
pub mod middleware;
pub mod openapi;
pub mod routes;

pub use auth::{Authenticated, Claims, JwtConfig, JwtKey, JwtVerifier, TokenIssuer};
pub use error::{ApiError, ErrorBody};
