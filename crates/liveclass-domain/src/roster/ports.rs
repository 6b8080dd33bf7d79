//! The port that stores course rosters.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::ids::{TenantId, UserId};
use crate::schedule::CourseId;
use crate::store::RepoError;

/// Stores course rosters: a set of users per (tenant, course). Course ids are
/// the tenant's own names; an unknown course has an empty roster.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RosterRepository: Send + Sync {
    /// Makes the roster exactly `users` (sorted, distinct), in one
    /// transaction: users not in it are removed, new ones added with `at`,
    /// those already on it keep their `added_at`. Idempotent.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn replace(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        users: &[UserId],
        at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// The roster's users, sorted by user id.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn list(&self, tenant: &TenantId, course: &CourseId) -> Result<Vec<UserId>, RepoError>;

    /// Adds one user; `false` when they were on it already (nothing changes).
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn add(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError>;

    /// Removes one user; `false` when they were not on it. It refuses later
    /// joins only: a join under way may still be admitted (it is ordered
    /// before the removal).
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn remove(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, RepoError>;
}
