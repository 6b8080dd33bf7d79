//! `/provider-accounts`: bodies of a tenant's own video-provider accounts.
//! Secrets go in and never come out: answers carry hints only.

use liveclass_domain::provider_accounts::{
    AccountHealth, CheckOutcome, CheckResult, CredentialId, HostName, NewAccount, ProviderAccount,
    ProviderCredentials, ProviderKind, ProviderSettings, SecretText, UpdateAccount, parse_label,
};
use liveclass_domain::validation::{Field, ValidationError};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// The provider an account is for.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKindDto {
    Zoom,
    Daily,
    Jitsi,
}

impl From<ProviderKind> for ProviderKindDto {
    fn from(k: ProviderKind) -> Self {
        match k {
            ProviderKind::Zoom => Self::Zoom,
            ProviderKind::Daily => Self::Daily,
            ProviderKind::Jitsi => Self::Jitsi,
        }
    }
}

/// Zoom server-to-server OAuth app credentials (Zoom App Marketplace →
/// your app → App credentials).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ZoomCredentialsBody {
    /// The Zoom account id.
    #[schema(
        example = "vwXyZ-AbCdEfGh_123",
        pattern = r"^[A-Za-z0-9._:/-]{1,200}$",
        max_length = 200
    )]
    pub account_id: String,
    /// The app's client id.
    #[schema(
        example = "aBcDeFgHiJkLmNoP",
        pattern = r"^[A-Za-z0-9._:/-]{1,200}$",
        max_length = 200
    )]
    pub client_id: String,
    /// The app's client secret: sealed at rest, never returned.
    #[schema(pattern = r"^[!-~]{1,1024}$", max_length = 1024, write_only)]
    pub client_secret: String,
}

/// Daily.co credentials (Dashboard → Developers).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DailyCredentialsBody {
    /// The API key: sealed at rest, never returned.
    #[schema(pattern = r"^[!-~]{1,1024}$", max_length = 1024, write_only)]
    pub api_key: String,
    /// The team's domain.
    #[schema(
        example = "acme.daily.co",
        pattern = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
        max_length = 253
    )]
    pub domain: String,
}

/// Jitsi JWT credentials (JaaS or a self-hosted Jitsi with token auth).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JitsiCredentialsBody {
    /// The app id (the tokens' issuer).
    #[schema(
        example = "vpaas-magic-cookie-1fc542a3e4414a44b2611668195e2bfe",
        pattern = r"^[A-Za-z0-9._:/-]{1,200}$",
        max_length = 200
    )]
    pub app_id: String,
    /// The app secret the tokens are signed with: sealed at rest, never
    /// returned.
    #[schema(pattern = r"^[!-~]{1,1024}$", max_length = 1024, write_only)]
    pub app_secret: String,
    /// The Jitsi server's host name.
    #[schema(
        example = "meet.example.com",
        pattern = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
        max_length = 253
    )]
    pub domain: String,
}

/// The credentials objects of a body: at most one may be present, and it
/// must be of `kind`.
fn credentials(
    kind: Option<ProviderKind>,
    zoom: Option<ZoomCredentialsBody>,
    daily: Option<DailyCredentialsBody>,
    jitsi: Option<JitsiCredentialsBody>,
) -> Result<Option<ProviderCredentials>, ValidationError> {
    let given = [
        zoom.as_ref().map(|_| ProviderKind::Zoom),
        daily.as_ref().map(|_| ProviderKind::Daily),
        jitsi.as_ref().map(|_| ProviderKind::Jitsi),
    ];
    let given: Vec<ProviderKind> = given.into_iter().flatten().collect();
    if given.len() > 1 {
        return Err(ValidationError::new(
            Field::ProviderKind,
            "send the credentials of one provider only (zoom, daily or jitsi)",
        ));
    }
    if let (Some(kind), Some(got)) = (kind, given.first())
        && kind != *got
    {
        return Err(ValidationError::new(
            Field::ProviderKind,
            format!(
                "is `{}` but `{}` credentials were sent",
                kind.as_str(),
                got.as_str()
            ),
        ));
    }
    Ok(if let Some(z) = zoom {
        Some(ProviderCredentials {
            settings: ProviderSettings::Zoom {
                account_id: CredentialId::parse(Field::ZoomAccountId, &z.account_id)?,
                client_id: CredentialId::parse(Field::ZoomClientId, &z.client_id)?,
            },
            secret: SecretText::parse(Field::ZoomClientSecret, &z.client_secret)?,
        })
    } else if let Some(d) = daily {
        Some(ProviderCredentials {
            settings: ProviderSettings::Daily {
                domain: HostName::parse(Field::DailyDomain, &d.domain)?,
            },
            secret: SecretText::parse(Field::DailyApiKey, &d.api_key)?,
        })
    } else if let Some(j) = jitsi {
        Some(ProviderCredentials {
            settings: ProviderSettings::Jitsi {
                app_id: CredentialId::parse(Field::JitsiAppId, &j.app_id)?,
                domain: HostName::parse(Field::JitsiDomain, &j.domain)?,
            },
            secret: SecretText::parse(Field::JitsiAppSecret, &j.app_secret)?,
        })
    } else {
        None
    })
}

/// `POST /provider-accounts`: `kind`, and the credentials object of that
/// kind (`zoom`, `daily` or `jitsi`; the others absent).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateProviderAccountBody {
    /// `zoom`, `daily` or `jitsi`.
    #[schema(value_type = ProviderKindDto, example = "zoom")]
    pub kind: String,
    /// Free text, at most 200 characters, no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$",
        example = "Acme Zoom"
    )]
    pub label: Option<String>,
    /// Whether classes are created on it (default true). A tenant has at
    /// most one active account per kind (409 otherwise).
    pub active: Option<bool>,
    /// With `kind: zoom`.
    pub zoom: Option<ZoomCredentialsBody>,
    /// With `kind: daily`.
    pub daily: Option<DailyCredentialsBody>,
    /// With `kind: jitsi`.
    pub jitsi: Option<JitsiCredentialsBody>,
    /// The secret the provider signs its webhooks with (Zoom's secret
    /// token, Daily's webhook HMAC secret): sealed at rest, never returned.
    #[schema(pattern = r"^[!-~]{1,1024}$", max_length = 1024, write_only)]
    pub webhook_secret: Option<String>,
}

impl CreateProviderAccountBody {
    /// The parsed account.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<NewAccount, ApiError> {
        let kind = ProviderKind::parse(&self.kind).ok_or_else(|| {
            ValidationError::new(Field::ProviderKind, "must be zoom, daily or jitsi")
        })?;
        let credentials =
            credentials(Some(kind), self.zoom, self.daily, self.jitsi)?.ok_or_else(|| {
                ValidationError::new(
                    Field::ProviderKind,
                    format!("needs the `{}` credentials object", kind.as_str()),
                )
            })?;
        Ok(NewAccount {
            label: parse_label(self.label.as_deref().unwrap_or_default())?,
            active: self.active.unwrap_or(true),
            credentials,
            webhook_secret: self
                .webhook_secret
                .as_deref()
                .map(|w| SecretText::parse(Field::ProviderWebhookSecret, w))
                .transpose()?,
        })
    }
}

/// `PATCH /provider-accounts/{accountId}`: absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProviderAccountBody {
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub label: Option<String>,
    /// Activating an account of a kind the tenant already has active is 409.
    pub active: Option<bool>,
    /// New credentials, replaced whole, for a Zoom account (the kind never
    /// changes). Clears the account's health.
    pub zoom: Option<ZoomCredentialsBody>,
    /// New credentials for a Daily account.
    pub daily: Option<DailyCredentialsBody>,
    /// New credentials for a Jitsi account.
    pub jitsi: Option<JitsiCredentialsBody>,
    /// A new webhook secret; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = r"^[!-~]{1,1024}$", max_length = 1024, write_only)]
    pub webhook_secret: Option<Option<String>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl UpdateProviderAccountBody {
    /// The parsed changes.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<UpdateAccount, ApiError> {
        Ok(UpdateAccount {
            label: self.label.as_deref().map(parse_label).transpose()?,
            active: self.active,
            credentials: credentials(None, self.zoom, self.daily, self.jitsi)?,
            webhook_secret: match self.webhook_secret {
                None => None,
                Some(None) => Some(None),
                Some(Some(w)) => Some(Some(SecretText::parse(Field::ProviderWebhookSecret, &w)?)),
            },
        })
    }
}

/// A Zoom account's settings, without its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZoomAccountResponse {
    pub account_id: String,
    pub client_id: String,
    /// `…` and the secret's last four characters (`null` for secrets under
    /// 12 characters).
    #[schema(required = true, example = "…x9Qz")]
    pub client_secret_hint: Option<String>,
}

/// A Daily account's settings, without its API key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DailyAccountResponse {
    pub domain: String,
    /// `…` and the key's last four characters.
    #[schema(required = true, example = "…3f2a")]
    pub api_key_hint: Option<String>,
}

/// A Jitsi account's settings, without its app secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JitsiAccountResponse {
    pub app_id: String,
    pub domain: String,
    /// `…` and the secret's last four characters.
    #[schema(required = true)]
    pub app_secret_hint: Option<String>,
}

/// What the account's use has shown (all `null` until it is first used).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAccountHealthResponse {
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub last_success_at: Option<OffsetDateTime>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub last_error_at: Option<OffsetDateTime>,
    /// When an access token was last obtained (Zoom).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub last_token_renewal_at: Option<OffsetDateTime>,
}

impl From<AccountHealth> for ProviderAccountHealthResponse {
    fn from(h: AccountHealth) -> Self {
        Self {
            last_success_at: h.last_success_at,
            last_error: h.last_error,
            last_error_at: h.last_error_at,
            last_token_renewal_at: h.last_token_renewal_at,
        }
    }
}

/// A provider account: its settings under its kind's name, hints of its
/// secrets, never the secrets.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAccountResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: ProviderKindDto,
    pub label: String,
    pub active: bool,
    /// Present for `kind: zoom`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zoom: Option<ZoomAccountResponse>,
    /// Present for `kind: daily`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily: Option<DailyAccountResponse>,
    /// Present for `kind: jitsi`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitsi: Option<JitsiAccountResponse>,
    /// Whether a webhook secret is stored.
    pub has_webhook_secret: bool,
    /// `…` and its last four characters.
    #[schema(required = true)]
    pub webhook_secret_hint: Option<String>,
    pub health: ProviderAccountHealthResponse,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<ProviderAccount> for ProviderAccountResponse {
    fn from(a: ProviderAccount) -> Self {
        let kind = a.kind().into();
        let hint = a.secret_hint;
        let (mut zoom, mut daily, mut jitsi) = (None, None, None);
        match a.settings {
            ProviderSettings::Zoom {
                account_id,
                client_id,
            } => {
                zoom = Some(ZoomAccountResponse {
                    account_id: account_id.as_str().to_owned(),
                    client_id: client_id.as_str().to_owned(),
                    client_secret_hint: hint,
                });
            }
            ProviderSettings::Daily { domain } => {
                daily = Some(DailyAccountResponse {
                    domain: domain.as_str().to_owned(),
                    api_key_hint: hint,
                });
            }
            ProviderSettings::Jitsi { app_id, domain } => {
                jitsi = Some(JitsiAccountResponse {
                    app_id: app_id.as_str().to_owned(),
                    domain: domain.as_str().to_owned(),
                    app_secret_hint: hint,
                });
            }
        }
        Self {
            id: a.id.to_string(),
            kind,
            label: a.label,
            active: a.active,
            zoom,
            daily,
            jitsi,
            has_webhook_secret: a.has_webhook_secret,
            webhook_secret_hint: a.webhook_secret_hint,
            health: a.health.into(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// `GET /provider-accounts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderAccountListResponse {
    pub data: Vec<ProviderAccountResponse>,
}

/// `POST /provider-accounts/{accountId}/test`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAccountTestResponse {
    /// Whether the provider accepted the credentials.
    pub ok: bool,
    /// Whether the provider was asked (false for Jitsi, which has no API).
    pub checked_remotely: bool,
    /// Why the check failed (`null` when `ok`).
    #[schema(
        required = true,
        example = "Zoom refused the credentials (check the account id, client id and client secret)"
    )]
    pub error: Option<String>,
    /// The account, with its health as recorded.
    pub account: ProviderAccountResponse,
}

impl From<CheckOutcome> for ProviderAccountTestResponse {
    fn from(o: CheckOutcome) -> Self {
        let (ok, checked_remotely, error) = match o.result {
            CheckResult::Passed { remote, .. } => (true, remote, None),
            CheckResult::Failed { error } => (false, true, Some(error)),
        };
        Self {
            ok,
            checked_remotely,
            error,
            account: o.account.into(),
        }
    }
}
