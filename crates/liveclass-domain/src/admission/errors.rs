//! One error per admission operation.

use crate::class::ClassStatus;
use crate::store::RepoError;

/// Asking to join an `approval` class.
#[derive(Debug, thiserror::Error)]
pub enum RequestToJoinError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: the class does not use the `approval` policy (or the caller
    /// is its creator, who is always admitted).
    #[error("This live class does not need approval to join")]
    ApprovalNotRequired,
    /// Refused: the class is over (its status).
    #[error("Cannot ask to join a class with status: {0}")]
    ClassOver(ClassStatus),
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this live class")]
    Removed,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading requests, one's own or the class's.
#[derive(Debug, thiserror::Error)]
pub enum ReadRequestsError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: only the class's moderators see its requests.
    #[error("Only the class's creator, its co-hosts and managers may see its requests")]
    Forbidden,
    /// Refused: the caller has not asked to join.
    #[error("You have not asked to join this live class")]
    NoRequest,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Approving or rejecting requests.
#[derive(Debug, thiserror::Error)]
pub enum DecideRequestError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: only the class's moderators decide.
    #[error("Only the class's creator, its co-hosts and managers may approve or reject requests")]
    Forbidden,
    /// Refused: no such request in the class.
    #[error("Join request not found")]
    RequestNotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Removing a participant.
#[derive(Debug, thiserror::Error)]
pub enum RemoveParticipantError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: only the class's moderators remove.
    #[error("Only the class's creator, its co-hosts and managers may remove participants")]
    Forbidden,
    /// Refused: the class's creator (its host) cannot be removed.
    #[error("The class's creator cannot be removed from their own class")]
    CannotRemoveHost,
    /// Refused: the class is over (its status).
    #[error("Cannot remove participants from a class with status: {0}")]
    ClassOver(ClassStatus),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading the waitlist, or one's place in it.
#[derive(Debug, thiserror::Error)]
pub enum ReadWaitlistError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: only the class's moderators see its line.
    #[error("Only the class's creator, its co-hosts and managers may see its waitlist")]
    Forbidden,
    /// Refused: the caller never waited for this class.
    #[error("You are not in this live class's waitlist")]
    NotWaiting,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Leaving the waitlist.
#[derive(Debug, thiserror::Error)]
pub enum LeaveWaitlistError {
    /// Refused: “Live class not found”.
    #[error("Live class not found")]
    NotFound,
    /// Refused: the caller is not in line.
    #[error("You are not in this live class's waitlist")]
    NotWaiting,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
