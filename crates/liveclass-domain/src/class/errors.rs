//! One error enum per use case. Each lists the refusals a caller can act on;
//! storage and provider failures are carried as `Store` and `Video`.

use super::lifecycle::TransitionError;
use super::model::ClassStatus;
use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::video::VideoError;

/// Creating a class.
#[derive(Debug, thiserror::Error)]
pub enum CreateClassError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only training managers and organisation admins can create classes”.
    #[error("Only training managers and organisation admins can create classes")]
    Forbidden,
    /// Refused: “tenantId does not match the tenant of your token”.
    #[error("tenantId does not match the tenant of your token")]
    TenantMismatch,
    /// The video provider failed.
    #[error("could not create the video room")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Listing classes.
#[derive(Debug, thiserror::Error)]
pub enum ListClassesError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading one class (details or participants).
#[derive(Debug, thiserror::Error)]
pub enum GetClassError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Starting or ending a class.
#[derive(Debug, thiserror::Error)]
pub enum TransitionClassError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// The lifecycle refused the transition.
    #[error(transparent)]
    Refused(#[from] TransitionError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Joining a class.
#[derive(Debug, thiserror::Error)]
pub enum JoinClassError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “Cannot join class with status: …”.
    #[error("Cannot join class with status: {0}")]
    NotLive(ClassStatus),
    /// Refused: “Live class is at maximum capacity (… participants)”.
    #[error("Live class is at maximum capacity ({capacity} participants)")]
    Full {
        /// The class's capacity.
        capacity: u32,
    },
    /// Refused: the class admits its course's roster only.
    #[error("Only users on the course roster may join this live class")]
    NotOnRoster,
    /// Refused: the class admits approved users only.
    #[error(
        "This live class admits approved users only: ask to join (POST /live-classes/{{id}}/requests) and wait for approval"
    )]
    NotApproved,
    /// Refused: the user was removed from the class.
    #[error("You were removed from this live class")]
    Removed,
    /// The video provider failed.
    #[error("could not issue join credentials")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Leaving a class.
#[derive(Debug, thiserror::Error)]
pub enum LeaveClassError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “Not currently in this live class”.
    #[error("Not currently in this live class")]
    NotParticipating,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Setting a class's recording URL.
#[derive(Debug, thiserror::Error)]
pub enum SetRecordingError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only training managers and organisation admins can set recordings”.
    #[error("Only training managers and organisation admins can set recordings")]
    Forbidden,
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “Cannot set a recording for class with status: …”.
    #[error("Cannot set a recording for class with status: {0}")]
    NotEnded(ClassStatus),
    /// Refused: “The recording URL is already set and cannot be changed”.
    #[error("The recording URL is already set and cannot be changed")]
    AlreadySet,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Editing a class (`PATCH`).
#[derive(Debug, thiserror::Error)]
pub enum UpdateClassError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “Only the class creator can update the class”.
    #[error("Only the class creator can update the class")]
    NotCreator,
    /// Refused: “Cannot update class with status: …”.
    #[error("Cannot update class with status: {0}")]
    Finished(ClassStatus),
    /// Refused: “maxParticipants cannot be below the … seats taken now”.
    #[error(
        "maxParticipants cannot be below the {active} seats taken now (the participants in the class, and the seat held for its creator)"
    )]
    BelowActive {
        /// Seats taken now: the participants other than the creator, plus
        /// the creator's seat (held whether or not they are in).
        active: u32,
    },
    /// The video provider failed.
    #[error("could not update the video room")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Re-issuing join credentials to an admitted caller.
#[derive(Debug, thiserror::Error)]
pub enum IssueTokenError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: “Cannot issue a token for class with status: …”.
    #[error("Cannot issue a token for class with status: {0}")]
    NotLive(ClassStatus),
    /// Refused: “Join the live class before asking for a token”.
    #[error("Join the live class before asking for a token")]
    NotAdmitted,
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this live class")]
    Removed,
    /// The video provider failed.
    #[error("could not issue join credentials")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
