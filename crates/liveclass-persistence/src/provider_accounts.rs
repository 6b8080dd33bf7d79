//! [`ProviderAccountRepository`] for [`DieselStore`]: a tenant's own
//! provider accounts. "One active account per tenant and kind" is the
//! partial unique index `provider_accounts_one_active`: a write that breaks
//! it fails in the database and is answered `ActiveExists`, so no
//! read-then-write race can store two.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::ids::TenantId;
use liveclass_domain::provider_accounts::{
    AccountChanges, AccountHealth, AccountWrite, CheckResult, CredentialId, HostName,
    NewProviderAccount, ProviderAccount, ProviderAccountId, ProviderAccountRepository,
    ProviderKind, ProviderSettings,
};
use liveclass_domain::store::RepoError;
use liveclass_domain::validation::Field;
use liveclass_domain::webhooks::SealedSecret;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::connection::AnyConnection;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::provider_accounts as pa;
use crate::store::{DieselStore, corrupt, is_unique_violation, write_transaction};

type AccountRow = (
    (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (Option<String>, Option<String>, Option<String>, bool),
    (
        Option<PrimitiveDateTime>,
        Option<String>,
        Option<PrimitiveDateTime>,
        Option<PrimitiveDateTime>,
        PrimitiveDateTime,
        PrimitiveDateTime,
    ),
);

macro_rules! account_columns {
    () => {
        (
            (
                pa::id,
                pa::tenant_id,
                pa::kind,
                pa::label,
                pa::zoom_account_id,
                pa::zoom_client_id,
                pa::app_id,
                pa::domain,
            ),
            (
                pa::secret_hint,
                pa::webhook_secret_key_id,
                pa::webhook_secret_hint,
                pa::active,
            ),
            (
                pa::last_success_at,
                pa::last_error,
                pa::last_error_at,
                pa::last_token_renewal_at,
                pa::created_at,
                pa::updated_at,
            ),
        )
    };
}

fn required(v: Option<String>, what: &str) -> anyhow::Result<String> {
    v.ok_or_else(|| anyhow::anyhow!("provider_accounts.{what} is missing"))
}

fn settings_from_row(
    kind: &str,
    zoom_account: Option<String>,
    zoom_client: Option<String>,
    app: Option<String>,
    domain: Option<String>,
) -> anyhow::Result<ProviderSettings> {
    let kind = ProviderKind::parse(kind)
        .ok_or_else(|| anyhow::anyhow!("unknown provider kind `{kind}`"))?;
    Ok(match kind {
        ProviderKind::Zoom => ProviderSettings::Zoom {
            account_id: CredentialId::parse(
                Field::ZoomAccountId,
                &required(zoom_account, "zoom_account_id")?,
            )?,
            client_id: CredentialId::parse(
                Field::ZoomClientId,
                &required(zoom_client, "zoom_client_id")?,
            )?,
        },
        ProviderKind::Daily => ProviderSettings::Daily {
            domain: HostName::parse(Field::DailyDomain, &required(domain, "domain")?)?,
        },
        ProviderKind::Jitsi => ProviderSettings::Jitsi {
            app_id: CredentialId::parse(Field::JitsiAppId, &required(app, "app_id")?)?,
            domain: HostName::parse(Field::JitsiDomain, &required(domain, "domain")?)?,
        },
    })
}

/// The plain columns of `settings`: zoom account, zoom client, app id, domain.
type SettingsColumns<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn settings_columns(s: &ProviderSettings) -> SettingsColumns<'_> {
    match s {
        ProviderSettings::Zoom {
            account_id,
            client_id,
        } => (
            Some(account_id.as_str()),
            Some(client_id.as_str()),
            None,
            None,
        ),
        ProviderSettings::Daily { domain } => (None, None, None, Some(domain.as_str())),
        ProviderSettings::Jitsi { app_id, domain } => {
            (None, None, Some(app_id.as_str()), Some(domain.as_str()))
        }
    }
}

fn account_from_row(row: AccountRow) -> anyhow::Result<ProviderAccount> {
    let (
        (id, tenant, kind, label, zoom_account, zoom_client, app, domain),
        (secret_hint, webhook_key, webhook_hint, active),
        (success, error, error_at, renewal, created, updated),
    ) = row;
    Ok(ProviderAccount {
        id: ProviderAccountId::from_uuid(uuid(&id, "provider_accounts.id")?),
        tenant_id: TenantId::parse(&tenant)?,
        label,
        settings: settings_from_row(&kind, zoom_account, zoom_client, app, domain)?,
        secret_hint,
        has_webhook_secret: webhook_key.is_some(),
        webhook_secret_hint: webhook_hint,
        active,
        health: AccountHealth {
            last_success_at: success.map(from_db_time),
            last_error: error,
            last_error_at: error_at.map(from_db_time),
            last_token_renewal_at: renewal.map(from_db_time),
        },
        created_at: from_db_time(created),
        updated_at: from_db_time(updated),
    })
}

fn find(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<ProviderAccount>, DieselError> {
    pa::table
        .filter(pa::tenant_id.eq(tenant))
        .filter(pa::id.eq(id))
        .select(account_columns!())
        .first::<AccountRow>(conn)
        .optional()?
        .map(account_from_row)
        .transpose()
        .map_err(corrupt)
}

fn sealed_text(s: &SealedSecret) -> String {
    STANDARD.encode(&s.sealed)
}

/// `ActiveExists` when `result` failed on the one-active index.
fn or_active_exists(
    result: Result<AccountWrite, DieselError>,
) -> Result<AccountWrite, DieselError> {
    match result {
        Err(e) if is_unique_violation(&e) => Ok(AccountWrite::ActiveExists),
        other => other,
    }
}

fn apply(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    changes: &AccountChanges,
    now: PrimitiveDateTime,
) -> Result<AccountWrite, DieselError> {
    let target = pa::table
        .filter(pa::tenant_id.eq(tenant))
        .filter(pa::id.eq(id));
    if diesel::update(target)
        .set(pa::updated_at.eq(now))
        .execute(conn)?
        == 0
    {
        return Ok(AccountWrite::NotFound);
    }
    if let Some(label) = &changes.label {
        diesel::update(target)
            .set(pa::label.eq(label))
            .execute(conn)?;
    }
    if let Some((settings, sealed, hint)) = &changes.credentials {
        let (zoom_account, zoom_client, app, domain) = settings_columns(settings);
        diesel::update(target)
            .set((
                pa::zoom_account_id.eq(zoom_account),
                pa::zoom_client_id.eq(zoom_client),
                pa::app_id.eq(app),
                pa::domain.eq(domain),
                pa::secret_key_id.eq(&sealed.key_id),
                pa::secret_sealed.eq(sealed_text(sealed)),
                pa::secret_hint.eq(hint.as_deref()),
                // New credentials have no history yet.
                pa::last_success_at.eq(None::<PrimitiveDateTime>),
                pa::last_error.eq(None::<String>),
                pa::last_error_at.eq(None::<PrimitiveDateTime>),
                pa::last_token_renewal_at.eq(None::<PrimitiveDateTime>),
            ))
            .execute(conn)?;
    }
    match &changes.webhook_secret {
        None => {}
        Some(None) => {
            diesel::update(target)
                .set((
                    pa::webhook_secret_key_id.eq(None::<String>),
                    pa::webhook_secret_sealed.eq(None::<String>),
                    pa::webhook_secret_hint.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        Some(Some((sealed, hint))) => {
            diesel::update(target)
                .set((
                    pa::webhook_secret_key_id.eq(Some(&sealed.key_id)),
                    pa::webhook_secret_sealed.eq(Some(sealed_text(sealed))),
                    pa::webhook_secret_hint.eq(hint.as_deref()),
                ))
                .execute(conn)?;
        }
    }
    // Last: the one change the one-active index may refuse (the whole
    // transaction then rolls back).
    if let Some(active) = changes.active {
        diesel::update(target)
            .set(pa::active.eq(active))
            .execute(conn)?;
    }
    Ok(find(conn, tenant, id)?.map_or(AccountWrite::NotFound, |a| AccountWrite::Done(Box::new(a))))
}

#[async_trait]
impl ProviderAccountRepository for DieselStore {
    async fn create_account(&self, new: NewProviderAccount) -> Result<AccountWrite, RepoError> {
        self.run("create provider account", move |conn| {
            let a = &new.account;
            let (zoom_account, zoom_client, app, domain) = settings_columns(&a.settings);
            let webhook = new.webhook_secret.as_ref();
            let inserted = diesel::insert_into(pa::table)
                .values((
                    (
                        pa::id.eq(a.id.to_string()),
                        pa::tenant_id.eq(a.tenant_id.as_str()),
                        pa::kind.eq(a.kind().as_str()),
                        pa::label.eq(&a.label),
                        pa::zoom_account_id.eq(zoom_account),
                        pa::zoom_client_id.eq(zoom_client),
                        pa::app_id.eq(app),
                        pa::domain.eq(domain),
                    ),
                    (
                        pa::secret_key_id.eq(&new.secret.key_id),
                        pa::secret_sealed.eq(sealed_text(&new.secret)),
                        pa::secret_hint.eq(a.secret_hint.as_deref()),
                        pa::webhook_secret_key_id.eq(webhook.map(|w| w.key_id.as_str())),
                        pa::webhook_secret_sealed.eq(webhook.map(sealed_text)),
                        pa::webhook_secret_hint.eq(a.webhook_secret_hint.as_deref()),
                        pa::active.eq(a.active),
                        pa::created_at.eq(to_db_time(a.created_at)),
                        pa::updated_at.eq(to_db_time(a.updated_at)),
                    ),
                ))
                .execute(conn)
                .map(|_| AccountWrite::Done(Box::new(a.clone())));
            or_active_exists(inserted)
        })
        .await
    }

    async fn list_accounts(&self, tenant: &TenantId) -> Result<Vec<ProviderAccount>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("list provider accounts", move |conn| {
            pa::table
                .filter(pa::tenant_id.eq(&tenant))
                .order((pa::created_at.asc(), pa::id.asc()))
                .select(account_columns!())
                .load::<AccountRow>(conn)?
                .into_iter()
                .map(account_from_row)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }

    async fn find_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<Option<ProviderAccount>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("read provider account", move |conn| {
            find(conn, &tenant, &id.to_string())
        })
        .await
    }

    async fn update_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
        changes: AccountChanges,
        now: OffsetDateTime,
    ) -> Result<AccountWrite, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("update provider account", move |conn| {
            let id = id.to_string();
            or_active_exists(write_transaction(conn, |conn| {
                apply(conn, &tenant, &id, &changes, to_db_time(now))
            }))
        })
        .await
    }

    async fn find_sealed_secret(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<Option<(ProviderAccount, SealedSecret)>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("read provider account secret", move |conn| {
            // One statement: the settings and the secret of the same write
            // (a concurrent PATCH replaces both together).
            let row: Option<(AccountRow, (String, String))> = pa::table
                .filter(pa::tenant_id.eq(&tenant))
                .filter(pa::id.eq(id.to_string()))
                .select((account_columns!(), (pa::secret_key_id, pa::secret_sealed)))
                .first(conn)
                .optional()?;
            let Some((row, (key_id, text))) = row else {
                return Ok(None);
            };
            let account = account_from_row(row).map_err(corrupt)?;
            let sealed = STANDARD.decode(text).map_err(|e| {
                corrupt(anyhow::Error::new(e).context("provider_accounts.secret_sealed"))
            })?;
            Ok(Some((account, SealedSecret { key_id, sealed })))
        })
        .await
    }

    async fn record_check(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
        result: CheckResult,
        at: OffsetDateTime,
    ) -> Result<Option<ProviderAccount>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("record provider account health", move |conn| {
            let id = id.to_string();
            let target = pa::table
                .filter(pa::tenant_id.eq(&tenant))
                .filter(pa::id.eq(&id));
            let at = to_db_time(at);
            let n = match &result {
                CheckResult::Passed { token_renewed, .. } => {
                    let renewal =
                        pa::last_token_renewal_at.eq(if *token_renewed { Some(at) } else { None });
                    if *token_renewed {
                        diesel::update(target)
                            .set((pa::last_success_at.eq(Some(at)), renewal))
                            .execute(conn)?
                    } else {
                        diesel::update(target)
                            .set(pa::last_success_at.eq(Some(at)))
                            .execute(conn)?
                    }
                }
                CheckResult::Failed { error } => diesel::update(target)
                    .set((
                        pa::last_error.eq(Some(error.as_str())),
                        pa::last_error_at.eq(Some(at)),
                    ))
                    .execute(conn)?,
            };
            if n == 0 {
                return Ok(None);
            }
            find(conn, &tenant, &id)
        })
        .await
    }

    async fn delete_account(
        &self,
        tenant: &TenantId,
        id: ProviderAccountId,
    ) -> Result<bool, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("delete provider account", move |conn| {
            let n = diesel::delete(
                pa::table
                    .filter(pa::tenant_id.eq(&tenant))
                    .filter(pa::id.eq(id.to_string())),
            )
            .execute(conn)?;
            Ok(n > 0)
        })
        .await
    }
}
