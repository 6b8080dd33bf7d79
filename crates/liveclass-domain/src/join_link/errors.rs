//! Why following a link was refused.

use crate::class::errors::{JoinClassError, TransitionClassError};
use crate::store::RepoError;

/// Following a join link.
#[derive(Debug, thiserror::Error)]
pub enum FollowJoinLinkError {
    /// Refused: “Join link not found”.
    #[error("Join link not found")]
    NotFound,
    /// Refused: “This live class has ended”.
    #[error("This live class has ended")]
    Ended,
    /// Refused: “This live class was cancelled”.
    #[error("This live class was cancelled")]
    Cancelled,
    /// Joining the class failed.
    #[error(transparent)]
    Join(JoinClassError),
    /// Starting the class failed.
    #[error(transparent)]
    Start(TransitionClassError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
