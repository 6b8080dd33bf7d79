//! Why a feed was refused.

use crate::store::RepoError;

/// Reading a calendar feed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarFeedError {
    /// Unknown, malformed or revoked token.
    #[error("Calendar not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    #[error(transparent)]
    Store(#[from] RepoError),
}
