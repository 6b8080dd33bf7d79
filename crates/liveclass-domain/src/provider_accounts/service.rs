//! Managing a tenant's provider accounts (organisation admins only).

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::ProviderAccountError;
use super::model::{
    AccountChanges, AccountWrite, NewAccount, NewProviderAccount, ProviderAccount,
    ProviderAccountId, SecretText, UpdateAccount,
};
use super::ports::ProviderAccountRepository;
use crate::caller::{Caller, Role};
use crate::clock::Clock;
use crate::ids::IdGenerator;
use crate::provider_accounts::AccountHealth;
use crate::validation::{Field, ValidationError};
use crate::webhooks::{SealedSecret, SecretBox};

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
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl ProviderAccountService {
    /// The service over these ports.
    pub fn new(
        store: Arc<dyn ProviderAccountRepository>,
        secrets: Arc<dyn SecretBox>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            store,
            secrets,
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
