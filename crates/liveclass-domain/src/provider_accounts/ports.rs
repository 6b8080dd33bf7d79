//! The provider accounts' repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{
    AccountChanges, AccountWrite, CheckResult, NewProviderAccount, ProviderAccount,
    ProviderAccountId, ProviderCredentials,
};
use crate::ids::TenantId;
use crate::store::RepoError;
use crate::webhooks::SealedSecret;

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
    /// One account of the tenant with its sealed credential secret.
    async fn find_sealed_secret(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<Option<(ProviderAccount, SealedSecret)>, RepoError>;
    /// Records a use of the account's credentials in its health (a success
    /// also sets the token renewal when one was made; a failure keeps the
    /// last success). `None` when the tenant has no such account.
    async fn record_check(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
        result: CheckResult,
        at: OffsetDateTime,
    ) -> Result<Option<ProviderAccount>, RepoError>;
    /// Deletes the account; `false` when the tenant has no such account.
    async fn delete_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<bool, RepoError>;
}

/// Checks credentials against their provider (the provider adapters).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CredentialChecker: Send + Sync {
    /// Asks the provider whether it accepts `credentials`: Zoom issues an
    /// access token, Daily answers its domain configuration. Jitsi has no
    /// API: `Passed { remote: false, .. }`. A refusal or an unreachable
    /// provider is `Failed` with a reason that names no secret.
    async fn check(&self, credentials: &ProviderCredentials) -> CheckResult;
}
