//! The provider accounts' repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{
    AccountChanges, AccountWrite, NewProviderAccount, ProviderAccount, ProviderAccountId,
};
use crate::ids::TenantId;
use crate::store::RepoError;

/// A tenant's provider accounts. Every query is filtered by tenant first.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProviderAccountRepository: Send + Sync {
    /// Stores a new account. **Contract:** `ActiveExists` (and nothing
    /// stored) when the account is active and the tenant already has an
    /// active account of its kind, decided by the database, so of
    /// concurrent creations at most one active account per kind is stored.
    /// Never `NotFound`.
    async fn create_account(&self, new: NewProviderAccount) -> Result<AccountWrite, RepoError>;
    /// The tenant's accounts, oldest first.
    async fn list_accounts(&self, tenant: &TenantId) -> Result<Vec<ProviderAccount>, RepoError>;
    /// One account of the tenant.
    async fn find_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<Option<ProviderAccount>, RepoError>;
    /// Applies `changes` in one transaction. **Contract:** `NotFound` when
    /// the tenant has no such account; `ActiveExists` (nothing changed) when
    /// activating it would give the tenant two active accounts of its kind.
    async fn update_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
        changes: AccountChanges,
        now: OffsetDateTime,
    ) -> Result<AccountWrite, RepoError>;
    /// Deletes the account; `false` when the tenant has no such account.
    async fn delete_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<bool, RepoError>;
}
