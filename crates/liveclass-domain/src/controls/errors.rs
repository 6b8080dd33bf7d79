//! One error enum per participant-controls operation.

use crate::class::{ClassStatus, CoHostRefusal};
use crate::store::RepoError;
use crate::validation::ValidationError;

/// Naming or revoking a co-host.
#[derive(Debug, thiserror::Error)]
pub enum CoHostError {
    /// An input value was refused (the host named as co-host).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: only the host (creator) or a tenant manager names co-hosts.
    #[error(
        "Only the class's host or a training manager or organisation admin can change its co-hosts"
    )]
    NotHost,
    /// Refused: the class has ended or was cancelled.
    #[error("Co-hosts cannot change once the class is {0}")]
    Finished(ClassStatus),
    /// Refused: the class has the most co-hosts allowed.
    #[error(transparent)]
    TooMany(CoHostRefusal),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Changing participant controls (a moderator's patch, "mute all", a hand).
#[derive(Debug, thiserror::Error)]
pub enum ControlsError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: only moderators change other participants' controls.
    #[error(
        "Only the class's moderators (its host, co-hosts, training managers and organisation admins) can do this"
    )]
    NotModerator,
    /// Refused: the user has no active participation in the class.
    #[error("The user is not in the class")]
    NotParticipating,
    /// Refused: the class is not live.
    #[error("Participant controls change only while the class is live (it is {0})")]
    NotLive(ClassStatus),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading the raised hands.
#[derive(Debug, thiserror::Error)]
pub enum HandsError {
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: neither a moderator nor in the class.
    #[error("Only the class's moderators and participants can see its raised hands")]
    NotAdmitted,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
