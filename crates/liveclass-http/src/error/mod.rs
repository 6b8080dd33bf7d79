//! The one error shape: `{statusCode, error, message, code}` for every
//! failure, with a `code` from the [`ErrorCode`] catalogue.
//!
//! - [`code`]: the catalogue (every code and its status);
//! - [`from_domain`]: how each operation's domain error maps to a code, in one
//!   place (video-provider failures included);
//! - [`responses`]: the documented error responses of each operation, from
//!   the same catalogue.

mod code;
mod from_domain;
pub mod responses;

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use code::ErrorCode;

/// Every error response has this body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status code, repeated.
    #[schema(example = 409, minimum = 400, maximum = 599)]
    pub status_code: u16,
    /// The status code's reason phrase.
    #[schema(example = "Conflict")]
    pub error: String,
    /// What went wrong, for people.
    #[schema(example = "Live class is at maximum capacity (150 participants)")]
    pub message: String,
    /// What went wrong, for programs: stable across releases.
    pub code: ErrorCode,
}

/// An error answered over HTTP.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Sent as `Retry-After` (whole seconds, at least 1).
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// An error answered with its code's status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::with_status(code.status(), code, message)
    }

    /// An error answered with a status other than its code's usual one.
    pub fn with_status(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Adds a `Retry-After` header.
    #[must_use]
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Logs the cause chain and answers an opaque 500: internals never leak.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %ChainDisplay(cause), "request failed unexpectedly");
        Self::new(ErrorCode::InternalError, "Internal server error")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.message.clone(),
            code: self.code,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"liveclass\""),
            ));
        }
        if let Some(after) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, after.as_secs().max(1).to_string()));
        }
        response.json(self.body())
    }
}

/// `a: b: c` for an error and its sources.
pub struct ChainDisplay<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ChainDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}
