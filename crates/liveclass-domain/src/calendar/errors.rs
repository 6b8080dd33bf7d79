//! Why a feed was refused.

use crate::store::RepoError;

/// Reading a calendar feed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarFeedError {
    /// Unknown, malformed or revoked token.
    #[error("Calendar not found")]
    NotFound,
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
