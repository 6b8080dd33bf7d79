//! The provider-event inbox's errors, one per operation.

use crate::store::RepoError;

/// Listing a tenant's provider deliveries.
#[derive(Debug, thiserror::Error)]
pub enum ListProviderEventsError {
    /// Refused: only organisation admins see provider deliveries.
    #[error("Only organisation admins can see provider events")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Handling one of the tenant's deliveries again.
#[derive(Debug, thiserror::Error)]
pub enum ReprocessProviderEventError {
    /// Refused: only organisation admins reprocess provider deliveries.
    #[error("Only organisation admins can reprocess provider events")]
    Forbidden,
    /// No such delivery mapped to the caller's tenant.
    #[error("Provider event not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
