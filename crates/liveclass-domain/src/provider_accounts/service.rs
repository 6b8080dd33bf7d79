//! Managing a tenant's provider accounts (organisation admins only).

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::ProviderAccountError;
use super::model::{
    AccountChanges, AccountWrite, CheckOutcome, CheckResult, NewAccount, NewProviderAccount,
    ProviderAccount, ProviderAccountId, ProviderCredentials, ProviderKind, SecretText,
    UpdateAccount,
};
use super::ports::{CredentialChecker, ProviderAccountRepository};
use crate::caller::{Caller, Role};
use crate::clock::Clock;
use crate::ids::IdGenerator;
use crate::provider_accounts::AccountHealth;
use crate::validation::{Field, ValidationError};
use crate::webhooks::{SealedSecret, SecretBox, SecretError};

/// The context a credential secret is sealed for (the AEAD's associated
/// data): the account and the field, so a sealed value cannot be moved.
pub fn secret_context(id: ProviderAccountId) -> String {
    format!("provider-account:{id}:secret")
}

/// The context a webhook secret is sealed for.
pub fn webhook_secret_context(id: ProviderAccountId) -> String {
    format!("provider-account:{id}:webhook-secret")
}

/// Managing a tenant's provider accounts (organisation admins only; another
/// tenant's account is not found).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProviderAccounts: Send + Sync {
    /// Stores a new account, its secrets sealed.
    async fn create(
        &self,
        caller: &Caller,
        account: NewAccount,
    ) -> Result<ProviderAccount, ProviderAccountError>;
    /// The tenant's accounts.
    async fn list(&self, caller: &Caller) -> Result<Vec<ProviderAccount>, ProviderAccountError>;
    /// One account.
    async fn get(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<ProviderAccount, ProviderAccountError>;
    /// Changes an account; new credentials must be of its kind.
    async fn update(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
        update: UpdateAccount,
    ) -> Result<ProviderAccount, ProviderAccountError>;
    /// Checks the account's credentials against its provider and records
    /// the result in its health. A refusal is an outcome, not an error.
    async fn test(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<CheckOutcome, ProviderAccountError>;
    /// Deletes an account (classes already created on it keep their rooms).
    async fn delete(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<(), ProviderAccountError>;
}

/// The implementation of [`ProviderAccounts`].
pub struct ProviderAccountService {
    store: Arc<dyn ProviderAccountRepository>,
    secrets: Arc<dyn SecretBox>,
    checker: Arc<dyn CredentialChecker>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl ProviderAccountService {
    /// The service over these ports.
    pub fn new(
        store: Arc<dyn ProviderAccountRepository>,
        secrets: Arc<dyn SecretBox>,
        checker: Arc<dyn CredentialChecker>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            store,
            secrets,
            checker,
            clock,
            ids,
        }
    }

    fn admin(caller: &Caller) -> Result<(), ProviderAccountError> {
        if caller.roles.contains(&Role::OrgAdmin) {
            Ok(())
        } else {
            Err(ProviderAccountError::Forbidden)
        }
    }

    fn seal(
        &self,
        secret: &SecretText,
        context: &str,
    ) -> Result<SealedSecret, ProviderAccountError> {
        self.secrets
            .seal_for(secret.expose().as_bytes(), context)
            .map_err(ProviderAccountError::SecretsUnavailable)
    }
}

/// The field a kind's credential secret is named by.
const fn secret_field(kind: ProviderKind) -> Field {
    match kind {
        ProviderKind::Zoom => Field::ZoomClientSecret,
        ProviderKind::Daily => Field::DailyApiKey,
        ProviderKind::Jitsi => Field::JitsiAppSecret,
    }
}

/// Why a stored secret did not open, for the account's health.
const UNOPENABLE: &str = "the stored secret cannot be opened: it was sealed with a key that is \
     not configured (see LIVECLASS_SECRETS_OLD_KEYS) or is corrupt; send the credentials again";

fn written(
    write: AccountWrite,
    kind: &'static str,
) -> Result<ProviderAccount, ProviderAccountError> {
    match write {
        AccountWrite::Done(account) => Ok(*account),
        AccountWrite::NotFound => Err(ProviderAccountError::NotFound),
        AccountWrite::ActiveExists => Err(ProviderAccountError::ActiveExists(kind)),
    }
}

#[async_trait]
impl ProviderAccounts for ProviderAccountService {
    async fn create(
        &self,
        caller: &Caller,
        new: NewAccount,
    ) -> Result<ProviderAccount, ProviderAccountError> {
        Self::admin(caller)?;
        let id = ProviderAccountId::from_uuid(self.ids.new_uuid());
        let secret = self.seal(&new.credentials.secret, &secret_context(id))?;
        let webhook_secret = new
            .webhook_secret
            .as_ref()
            .map(|w| self.seal(w, &webhook_secret_context(id)))
            .transpose()?;
        let now = self.clock.now();
        let kind = new.credentials.settings.kind();
        let account = ProviderAccount {
            id,
            tenant_id: caller.tenant_id.clone(),
            label: new.label,
            secret_hint: new.credentials.secret.hint(),
            settings: new.credentials.settings,
            has_webhook_secret: new.webhook_secret.is_some(),
            webhook_secret_hint: new.webhook_secret.as_ref().and_then(SecretText::hint),
            active: new.active,
            health: AccountHealth::default(),
            created_at: now,
            updated_at: now,
        };
        let write = self
            .store
            .create_account(NewProviderAccount {
                account,
                secret,
                webhook_secret,
            })
            .await?;
        written(write, kind.as_str())
    }

    async fn list(&self, caller: &Caller) -> Result<Vec<ProviderAccount>, ProviderAccountError> {
        Self::admin(caller)?;
        Ok(self.store.list_accounts(&caller.tenant_id).await?)
    }

    async fn get(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<ProviderAccount, ProviderAccountError> {
        Self::admin(caller)?;
        self.store
            .find_account(&caller.tenant_id, id)
            .await?
            .ok_or(ProviderAccountError::NotFound)
    }

    async fn update(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
        update: UpdateAccount,
    ) -> Result<ProviderAccount, ProviderAccountError> {
        Self::admin(caller)?;
        // The kind never changes, so this read cannot be outdated by a race.
        let current = self
            .store
            .find_account(&caller.tenant_id, id)
            .await?
            .ok_or(ProviderAccountError::NotFound)?;
        let kind = current.kind();
        let credentials = match update.credentials {
            None => None,
            Some(c) if c.settings.kind() != kind => {
                return Err(ValidationError::new(
                    Field::ProviderKind,
                    format!(
                        "the account is a {} account; send `{}` credentials (the kind never changes)",
                        kind.as_str(),
                        kind.as_str()
                    ),
                )
                .into());
            }
            Some(c) => {
                let sealed = self.seal(&c.secret, &secret_context(id))?;
                Some((c.settings, sealed, c.secret.hint()))
            }
        };
        let webhook_secret = match update.webhook_secret {
            None => None,
            Some(None) => Some(None),
            Some(Some(w)) => Some(Some((
                self.seal(&w, &webhook_secret_context(id))?,
                w.hint(),
            ))),
        };
        let changes = AccountChanges {
            label: update.label,
            active: update.active,
            credentials,
            webhook_secret,
        };
        let write = self
            .store
            .update_account(&caller.tenant_id, id, changes, self.clock.now())
            .await?;
        written(write, kind.as_str())
    }

    async fn test(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<CheckOutcome, ProviderAccountError> {
        Self::admin(caller)?;
        let (account, sealed) = self
            .store
            .find_sealed_secret(&caller.tenant_id, id)
            .await?
            .ok_or(ProviderAccountError::NotFound)?;
        let opened = match self.secrets.open_for(&sealed, &secret_context(id)) {
            Err(SecretError::NoKey) => {
                return Err(ProviderAccountError::SecretsUnavailable(SecretError::NoKey));
            }
            Err(SecretError::Corrupt(_)) => None,
            Ok(plain) => String::from_utf8(plain)
                .ok()
                .and_then(|s| SecretText::parse(secret_field(account.kind()), &s).ok()),
        };
        let result = match opened {
            None => CheckResult::Failed {
                error: UNOPENABLE.to_owned(),
            },
            Some(secret) => {
                let credentials = ProviderCredentials {
                    settings: account.settings.clone(),
                    secret,
                };
                self.checker.check(&credentials).await
            }
        };
        let account = self
            .store
            .record_check(&caller.tenant_id, id, result.clone(), self.clock.now())
            .await?
            .ok_or(ProviderAccountError::NotFound)?;
        Ok(CheckOutcome { result, account })
    }

    async fn delete(
        &self,
        caller: &Caller,
        id: ProviderAccountId,
    ) -> Result<(), ProviderAccountError> {
        Self::admin(caller)?;
        if self.store.delete_account(&caller.tenant_id, id).await? {
            Ok(())
        } else {
            Err(ProviderAccountError::NotFound)
        }
    }
}
