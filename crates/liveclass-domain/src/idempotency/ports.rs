//! The idempotency key store.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{ClaimOutcome, IdempotencyKey, KeyClaim, StoredResponse};
use crate::ids::{TenantId, UserId};
use crate::store::RepoError;

/// Idempotency keys, keyed by (tenant, user, key), shared by every process.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IdempotencyRepository: Send + Sync {
    /// Claims a key for a request with the claim's fingerprint at its
    /// `now`, in one atomic step: of concurrent claims of one key (in any
    /// process) exactly one returns [`ClaimOutcome::Claimed`]. A stored key
    /// created before `expired_before`, or still unfinished and created
    /// before `stale_before`, counts as free (it is replaced). Otherwise the
    /// outcome compares fingerprints first (`Mismatch`), then tells
    /// `InProgress` from `Done`.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn claim_key(&self, claim: &KeyClaim) -> Result<ClaimOutcome, RepoError>;

    /// Stores the answer of a claimed key's request.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn complete_key(
        &self,
        tenant: &TenantId,
        user: &UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError>;

    /// Frees a claimed key whose request did not succeed (an unfinished
    /// claim only; a stored answer stays).
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn release_key(
        &self,
        tenant: &TenantId,
        user: &UserId,
        key: &IdempotencyKey,
    ) -> Result<(), RepoError>;

    /// Deletes every key created before `before`; how many.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn prune_keys(&self, before: OffsetDateTime) -> Result<u64, RepoError>;
}
