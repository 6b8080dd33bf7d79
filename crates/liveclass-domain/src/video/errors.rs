//! What a provider call can fail with.

use std::time::Duration;

/// Everything a provider call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// The video provider has no such room.
    #[error("the video provider has no such room")]
    NotFound,
    /// The video provider refused our credentials.
    #[error("the video provider refused our credentials")]
    Unauthorized,
    /// The video provider is rate limiting us.
    #[error("the video provider is rate limiting us")]
    RateLimited {
        /// How long the provider asked us to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// The video provider refused the request.
    #[error("the video provider refused the request: {0}")]
    Invalid(String),
    /// The video provider is unavailable.
    #[error("the video provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider does not have this operation (see [`Capabilities`](super::Capabilities)).
    #[error("the video provider does not support this operation")]
    Unsupported,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}
