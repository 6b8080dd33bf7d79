//! One error enum per schedule use case.

use super::expand::TooManyOccurrences;
use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::video::VideoError;

/// Creating a schedule.
#[derive(Debug, thiserror::Error)]
pub enum CreateScheduleError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only training managers and organisation admins can manage schedules”.
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    /// The schedule would generate more classes than allowed.
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    /// The video provider failed.
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Listing schedules.
#[derive(Debug, thiserror::Error)]
pub enum ListSchedulesError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only training managers and organisation admins can manage schedules”.
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading one schedule.
#[derive(Debug, thiserror::Error)]
pub enum GetScheduleError {
    /// Refused: “Only training managers and organisation admins can manage schedules”.
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    /// Refused: “Schedule not found”.
    #[error("Schedule not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Changing a schedule.
#[derive(Debug, thiserror::Error)]
pub enum UpdateScheduleError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only training managers and organisation admins can manage schedules”.
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    /// Refused: “Schedule not found”.
    #[error("Schedule not found")]
    NotFound,
    /// The schedule would generate more classes than allowed.
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    /// The video provider failed.
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Removing a schedule.
#[derive(Debug, thiserror::Error)]
pub enum DeleteScheduleError {
    /// Refused: “Only training managers and organisation admins can manage schedules”.
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    /// Refused: “Schedule not found”.
    #[error("Schedule not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Generating the classes of every schedule (`server generate-classes`).
#[derive(Debug, thiserror::Error)]
pub enum GenerateClassesError {
    /// The schedule would generate more classes than allowed.
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    /// The video provider failed.
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// What any generation step can fail with, before it is mapped to the use
/// case's own error.
#[derive(Debug)]
pub(crate) enum GenerationFailure {
    TooMany(TooManyOccurrences),
    Video(VideoError),
    Store(RepoError),
}

impl From<GenerationFailure> for CreateScheduleError {
    fn from(f: GenerationFailure) -> Self {
        match f {
            GenerationFailure::TooMany(e) => Self::TooManyOccurrences(e),
            GenerationFailure::Video(e) => Self::Video(e),
            GenerationFailure::Store(e) => Self::Store(e),
        }
    }
}

impl From<GenerationFailure> for UpdateScheduleError {
    fn from(f: GenerationFailure) -> Self {
        match f {
            GenerationFailure::TooMany(e) => Self::TooManyOccurrences(e),
            GenerationFailure::Video(e) => Self::Video(e),
            GenerationFailure::Store(e) => Self::Store(e),
        }
    }
}

impl From<GenerationFailure> for GenerateClassesError {
    fn from(f: GenerationFailure) -> Self {
        match f {
            GenerationFailure::TooMany(e) => Self::TooManyOccurrences(e),
            GenerationFailure::Video(e) => Self::Video(e),
            GenerationFailure::Store(e) => Self::Store(e),
        }
    }
}

impl From<GenerationFailure> for DeleteScheduleError {
    fn from(f: GenerationFailure) -> Self {
        match f {
            GenerationFailure::Store(e) => Self::Store(e),
            // Removing plans no occurrence and makes no room.
            GenerationFailure::TooMany(e) => Self::Store(RepoError::Unexpected(e.into())),
            GenerationFailure::Video(e) => Self::Store(RepoError::Unexpected(e.into())),
        }
    }
}
