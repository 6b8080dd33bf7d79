//! One error enum per use case. Each lists the refusals a caller can act on;
//! storage and provider failures are carried as `Store` and `Video`.

use super::lifecycle::TransitionError;
use super::model::ClassStatus;
use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::video::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum CreateClassError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Only training managers and organisation admins can create classes")]
    Forbidden,
    #[error("tenantId does not match the tenant of your token")]
    TenantMismatch,
    #[error("could not create the video room")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListClassesError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading one class (details or participants).
#[derive(Debug, thiserror::Error)]
pub enum GetClassError {
    #[error("Live class not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Starting or ending a class.
#[derive(Debug, thiserror::Error)]
pub enum TransitionClassError {
    #[error("Live class not found")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] TransitionError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum JoinClassError {
    #[error("Live class not found")]
    NotFound,
    #[error("Cannot join class with status: {0}")]
    NotLive(ClassStatus),
    #[error("Live class is at maximum capacity ({capacity} participants)")]
    Full { capacity: u32 },
    #[error("could not issue join credentials")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum LeaveClassError {
    #[error("Live class not found")]
    NotFound,
    #[error("Not currently in this live class")]
    NotParticipating,
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum SetRecordingError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Only training managers and organisation admins can set recordings")]
    Forbidden,
    #[error("Live class not found")]
    NotFound,
    #[error("Cannot set a recording for class with status: {0}")]
    NotEnded(ClassStatus),
    #[error("The recording URL is already set and cannot be changed")]
    AlreadySet,
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Editing a class (`PATCH`).
#[derive(Debug, thiserror::Error)]
pub enum UpdateClassError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Live class not found")]
    NotFound,
    #[error("Only the class creator can update the class")]
    NotCreator,
    #[error("Cannot update class with status: {0}")]
    Finished(ClassStatus),
    #[error("maxParticipants cannot be below the {active} participants in the class now")]
    BelowActive { active: u32 },
    #[error("could not update the video room")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Re-issuing join credentials to an admitted caller.
#[derive(Debug, thiserror::Error)]
pub enum IssueTokenError {
    #[error("Live class not found")]
    NotFound,
    #[error("Cannot issue a token for class with status: {0}")]
    NotLive(ClassStatus),
    #[error("Join the live class before asking for a token")]
    NotAdmitted,
    #[error("could not issue join credentials")]
    Video(#[source] VideoError),
    #[error(transparent)]
    Store(#[from] RepoError),
}
