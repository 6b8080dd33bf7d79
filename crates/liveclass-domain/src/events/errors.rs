//! One error enum per use case.

use crate::store::RepoError;
use crate::validation::ValidationError;

/// Reading a class's events.
#[derive(Debug, thiserror::Error)]
pub enum ListEventsError {
    /// An input value was refused (`after`, `limit`).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
