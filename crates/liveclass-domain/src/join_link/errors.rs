//! Why following a link was refused.

use crate::class::errors::{JoinClassError, TransitionClassError};
use crate::store::RepoError;

/// Following a join link.
#[derive(Debug, thiserror::Error)]
pub enum FollowJoinLinkError {
    #[error("Join link not found")]
    NotFound,
    #[error("This live class has ended")]
    Ended,
    #[error("This live class was cancelled")]
    Cancelled,
    #[error(transparent)]
    Join(JoinClassError),
    #[error(transparent)]
    Start(TransitionClassError),
    #[error(transparent)]
    Store(#[from] RepoError),
}
