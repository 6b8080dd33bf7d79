//! The port that finds overdue classes.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::ids::{ClassId, TenantId};
use crate::store::RepoError;

/// Finds overdue classes, across tenants.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AutoEndRepository: Send + Sync {
    /// Claims live classes whose `scheduled_end` is before `cutoff`, oldest
    /// planned end first, at most `limit`, for `lease` from `now`: a class
    /// claimed by one caller (in any process) is not returned to another
    /// until its lease has expired, so several servers never do the same
    /// work. Classes without a planned end are never returned.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn claim_overdue_classes(
        &self,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<(TenantId, ClassId)>, RepoError>;
}
