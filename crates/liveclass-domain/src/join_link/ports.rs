//! The port that finds classes by their join hash.

use async_trait::async_trait;

use super::model::JoinHash;
use crate::class::LiveClass;
use crate::ids::TenantId;
use crate::store::RepoError;

/// Finds classes by their join hash.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait JoinLinkRepository: Send + Sync {
    /// The class with this join hash in this tenant; `None` for another
    /// tenant's class.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn find_by_join_hash(
        &self,
        tenant: &TenantId,
        hash: &JoinHash,
    ) -> Result<Option<LiveClass>, RepoError>;
}
