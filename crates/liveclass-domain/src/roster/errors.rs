//! One error per roster operation.

use crate::store::RepoError;

/// Reading a course roster.
#[derive(Debug, thiserror::Error)]
pub enum GetRosterError {
    /// Refused: “Only training managers and organisation admins can manage rosters”.
    #[error("Only training managers and organisation admins can manage rosters")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Changing a course roster (replace, add or remove one user).
#[derive(Debug, thiserror::Error)]
pub enum ChangeRosterError {
    /// Refused: “Only training managers and organisation admins can manage rosters”.
    #[error("Only training managers and organisation admins can manage rosters")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
