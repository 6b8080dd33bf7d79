//! Why recording an actual time was refused.

use crate::store::RepoError;

/// Each refusal carries the seed's slug (as snake_case) in the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum RecordActualTimeError {
    #[error("Only training managers and organisation admins can record class times")]
    Forbidden,
    #[error("Live class not found")]
    NotFound,
    #[error("This class was cancelled")]
    Cancelled,
    #[error("This class has already been started")]
    StartedAtAlreadySet,
    #[error("You can only start a class within 2 minutes of the current time")]
    StartedAtNotNow,
    #[error("The class must be started before you can end it")]
    StartedAtNotSet,
    #[error("This class has already ended")]
    EndedAtAlreadySet,
    #[error("endedAt must be after startedAt")]
    EndedAtBeforeStart,
    #[error("You cannot end a class less than {minutes} minutes after it started")]
    EndedAtTooSoon { minutes: i64 },
    #[error("endedAt cannot be more than 24 hours in the past")]
    EndedAtTooOld,
    #[error("endedAt cannot be in the future")]
    EndedAtInFuture,
    #[error(transparent)]
    Store(#[from] RepoError),
}
