//! The port that stores calendar tokens.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{CalendarTokenHash, TokenOwner};
use crate::store::RepoError;

/// Stores calendar tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CalendarTokenRepository: Send + Sync {
    /// Stores a new token for `owner`.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn insert(
        &self,
        hash: &CalendarTokenHash,
        owner: &TokenOwner,
        at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// The owner of a token that exists and is not revoked.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn owner(&self, hash: &CalendarTokenHash) -> Result<Option<TokenOwner>, RepoError>;

    /// Revokes every live token of `owner`; returns how many.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn revoke_all(&self, owner: &TokenOwner, at: OffsetDateTime) -> Result<u32, RepoError>;
}
