//! Why recording an actual time was refused.

use crate::store::RepoError;

/// Each refusal carries the seed's slug (as snake_case) in the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum RecordActualTimeError {
    /// Refused: “Only training managers and organisation admins can record class times”.
    #[error("Only training managers and organisation admins can record class times")]
    Forbidden,
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “This class was cancelled”.
    #[error("This class was cancelled")]
    Cancelled,
    /// Refused: “This class has already been started”.
    #[error("This class has already been started")]
    StartedAtAlreadySet,
    /// Refused: “You can only start a class within 2 minutes of the current time”.
    #[error("You can only start a class within 2 minutes of the current time")]
    StartedAtNotNow,
    /// Refused: “The class must be started before you can end it”.
    #[error("The class must be started before you can end it")]
    StartedAtNotSet,
    /// Refused: “This class has already ended”.
    #[error("This class has already ended")]
    EndedAtAlreadySet,
    /// Refused: “endedAt must be after startedAt”.
    #[error("endedAt must be after startedAt")]
    EndedAtBeforeStart,
    /// Refused: “You cannot end a class less than … minutes after it started”.
    #[error("You cannot end a class less than {minutes} minutes after it started")]
    EndedAtTooSoon {
        /// The shortest class, in minutes.
        minutes: i64,
    },
    /// Refused: “endedAt cannot be more than 24 hours in the past”.
    #[error("endedAt cannot be more than 24 hours in the past")]
    EndedAtTooOld,
    /// Refused: “endedAt cannot be in the future”.
    #[error("endedAt cannot be in the future")]
    EndedAtInFuture,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
