//! What an idempotent request can be refused with.

use crate::store::RepoError;

/// Why an idempotent request does not run.
#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// The key was used, within its TTL, for a request with another body
    /// (or another operation).
    #[error("this Idempotency-Key was used for a different request")]
    Reused,
    /// A request with the same key is running now.
    #[error("a request with this Idempotency-Key is still in progress")]
    InProgress,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
