//! What a provider call can fail with.

use std::time::Duration;

/// Everything a provider call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("the video provider has no such room")]
    NotFound,
    #[error("the video provider refused our credentials")]
    Unauthorized,
    #[error("the video provider is rate limiting us")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the video provider refused the request: {0}")]
    Invalid(String),
    #[error("the video provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider does not have this operation (see [`Capabilities`](super::Capabilities)).
    #[error("the video provider does not support this operation")]
    Unsupported,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}
