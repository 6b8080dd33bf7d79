//! The port that stores pending clean-ups.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::model::PendingCleanup;
use crate::store::RepoError;

/// Stores pending clean-ups.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CleanupQueue: Send + Sync {
    /// Stores `cleanup` (its `attempts` counts the failed first try), due
    /// at `due_at`.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected` when it cannot be stored.
    async fn enqueue(
        &self,
        cleanup: &PendingCleanup,
        due_at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// Claims up to `limit` clean-ups due at `now`. Each claim is atomic per
    /// row: its due time moves to `now + lease` and its attempts go up by
    /// one only if it is still due, so a row is claimed by one caller, from
    /// any process; a caller that dies leaves it due again after the lease.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<PendingCleanup>, RepoError>;

    /// Removes a clean-up that is done.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn complete(&self, id: Uuid) -> Result<(), RepoError>;

    /// Makes a failed clean-up due again at `due_at`, recording why it failed.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn reschedule(
        &self,
        id: Uuid,
        due_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), RepoError>;
}
