//! One error enum per schedule use case.

use super::expand::TooManyOccurrences;
use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::video::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum CreateScheduleError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListSchedulesError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetScheduleError {
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    #[error("Schedule not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateScheduleError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    #[error("Schedule not found")]
    NotFound,
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteScheduleError {
    #[error("Only training managers and organisation admins can manage schedules")]
    Forbidden,
    #[error("Schedule not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Generating the classes of every schedule (`server generate-classes`).
#[derive(Debug, thiserror::Error)]
pub enum GenerateClassesError {
    #[error(transparent)]
    TooManyOccurrences(#[from] TooManyOccurrences),
    #[error("could not create the video rooms")]
    Video(#[source] VideoError),
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
