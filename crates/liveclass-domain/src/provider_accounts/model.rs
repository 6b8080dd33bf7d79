//! Provider accounts: their kinds, credentials, health, and the values a
//! client sends, parsed.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::TenantId;
use crate::validation::{Field, ValidationError, check_text};
use crate::webhooks::SealedSecret;

/// Identifies a provider account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProviderAccountId(Uuid);

impl ProviderAccountId {
    /// The id of this UUID.
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ProviderAccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which video provider an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// Zoom (server-to-server OAuth app).
    Zoom,
    /// Daily.co (API key).
    Daily,
    /// Jitsi (JaaS or a self-hosted Jitsi with JWT auth).
    Jitsi,
}

impl ProviderKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Zoom, Self::Daily, Self::Jitsi];

    /// The kind's name, as stored and shown (the provider names of rooms).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Zoom => "zoom",
            Self::Daily => "daily",
            Self::Jitsi => "jitsi",
        }
    }
    /// The kind named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A credential secret (an API key, a client secret, a webhook secret): 1 to
/// 1024 visible ASCII characters (no spaces). Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// The most characters a secret may have.
    pub const MAX_CHARS: usize = 1024;
    /// Secrets shorter than this get no hint (four characters would give
    /// away too much of them).
    pub const HINT_MIN_CHARS: usize = 12;

    /// # Errors
    /// Empty, too long, or with characters other than visible ASCII.
    pub fn parse(field: Field, raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        if raw.len() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new(
                field,
                "must be visible ASCII characters only (no spaces)",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
    /// The secret itself (to seal it, or to send it to the provider).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// What answers show of it: `…` and its last four characters, or `None`
    /// when it is shorter than [`Self::HINT_MIN_CHARS`].
    pub fn hint(&self) -> Option<String> {
        (self.0.len() >= Self::HINT_MIN_CHARS).then(|| format!("…{}", &self.0[self.0.len() - 4..]))
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

/// A provider-issued identifier (Zoom's account id and client id, a Jitsi
/// app id): 1 to 200 characters among letters, digits, `-`, `_`, `.`, `:`
/// and `/` (JaaS app ids are `vpaas-magic-cookie-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialId(String);

impl CredentialId {
    /// # Errors
    /// Empty, longer than 200 characters, or with another character.
    pub fn parse(field: Field, raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() || raw.len() > 200 {
            return Err(ValidationError::new(field, "must be 1 to 200 characters"));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b))
        {
            return Err(ValidationError::new(
                field,
                "may contain only letters, digits, -, _, ., : and /",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS host name (Daily's `acme.daily.co` or `acme`, a Jitsi server's
/// `meet.example.com`): 1 to 253 characters, dot-separated labels of
/// letters, digits and `-` (not at a label's ends), stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostName(String);

impl HostName {
    /// # Errors
    /// Not a host name.
    pub fn parse(field: Field, raw: &str) -> Result<Self, ValidationError> {
        let bad = || {
            ValidationError::new(
                field,
                "must be a host name such as meet.example.com (letters, digits, - and dots)",
            )
        };
        if raw.is_empty() || raw.len() > 253 {
            return Err(bad());
        }
        for label in raw.split('.') {
            if label.is_empty()
                || label.len() > 63
                || label.starts_with('-')
                || label.ends_with('-')
                || !label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(bad());
            }
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }
    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses an account's label: at most 200 characters of single-line text.
///
/// # Errors
/// Too long or with control characters.
pub fn parse_label(raw: &str) -> Result<String, ValidationError> {
    if raw.chars().count() > 200 {
        return Err(ValidationError::new(
            Field::ProviderLabel,
            "must be at most 200 characters",
        ));
    }
    check_text(Field::ProviderLabel, raw, false)?;
    Ok(raw.trim().to_owned())
}

/// What an account's credentials say that is not secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSettings {
    /// Zoom server-to-server OAuth.
    Zoom {
        /// The Zoom account the app belongs to.
        account_id: CredentialId,
        /// The app's client id.
        client_id: CredentialId,
    },
    /// Daily.co.
    Daily {
        /// The team's domain (`acme.daily.co`).
        domain: HostName,
    },
    /// Jitsi with JWT authentication.
    Jitsi {
        /// The app id (the token's `iss`/`sub`, JaaS's `vpaas-magic-cookie-…`).
        app_id: CredentialId,
        /// The Jitsi server's host name.
        domain: HostName,
    },
}

impl ProviderSettings {
    /// The kind these settings are for.
    pub const fn kind(&self) -> ProviderKind {
        match self {
            Self::Zoom { .. } => ProviderKind::Zoom,
            Self::Daily { .. } => ProviderKind::Daily,
            Self::Jitsi { .. } => ProviderKind::Jitsi,
        }
    }
}

/// An account's full credentials: its settings and its one secret (Zoom's
/// client secret, Daily's API key, Jitsi's app secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCredentials {
    /// What is not secret.
    pub settings: ProviderSettings,
    /// The secret.
    pub secret: SecretText,
}

/// What the account's use has shown: set by credential checks and token
/// renewals (all `None` until the account is first used).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountHealth {
    /// When a call with these credentials last succeeded.
    pub last_success_at: Option<OffsetDateTime>,
    /// Why the last failed call failed.
    pub last_error: Option<String>,
    /// When it failed.
    pub last_error_at: Option<OffsetDateTime>,
    /// When an access token was last obtained (Zoom).
    pub last_token_renewal_at: Option<OffsetDateTime>,
}

/// A provider account as stored (its secrets are never shown, only hints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAccount {
    /// The id.
    pub id: ProviderAccountId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Free text naming it.
    pub label: String,
    /// What is not secret in its credentials (and its kind).
    pub settings: ProviderSettings,
    /// The hint of its credential secret.
    pub secret_hint: Option<String>,
    /// Whether a webhook secret is stored.
    pub has_webhook_secret: bool,
    /// The hint of its webhook secret.
    pub webhook_secret_hint: Option<String>,
    /// Whether classes are created on it.
    pub active: bool,
    /// What its use has shown.
    pub health: AccountHealth,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl ProviderAccount {
    /// The account's kind.
    pub const fn kind(&self) -> ProviderKind {
        self.settings.kind()
    }
}

/// An account to store, its secrets sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProviderAccount {
    /// The account.
    pub account: ProviderAccount,
    /// Its sealed credential secret.
    pub secret: SealedSecret,
    /// Its sealed webhook secret, if any.
    pub webhook_secret: Option<SealedSecret>,
}

/// Changes to store (`None`: unchanged), secrets sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChanges {
    /// A new label.
    pub label: Option<String>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// New credentials (same kind): settings, sealed secret, hint.
    pub credentials: Option<(ProviderSettings, SealedSecret, Option<String>)>,
    /// A new webhook secret (sealed, with its hint), or `Some(None)` to
    /// remove it.
    pub webhook_secret: Option<Option<(SealedSecret, Option<String>)>>,
}

/// What a write of an account led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountWrite {
    /// Written; the account as it is now.
    Done(Box<ProviderAccount>),
    /// No such account in the tenant.
    NotFound,
    /// Refused: the tenant already has another active account of its kind.
    ActiveExists,
}

/// What a credential check found, as recorded in the account's health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckResult {
    /// The provider accepted the credentials.
    Passed {
        /// Whether the provider was asked (Jitsi has no API: its
        /// credentials are only checked for form).
        remote: bool,
        /// Whether an access token was obtained (Zoom).
        token_renewed: bool,
    },
    /// The provider refused them, or could not be reached.
    Failed {
        /// Why, in words an admin can act on (never a secret).
        error: String,
    },
}

/// A credential check's outcome: the result, and the account with its
/// health as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// What the check found.
    pub result: CheckResult,
    /// The account afterwards.
    pub account: ProviderAccount,
}

/// `POST /provider-accounts`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Free text.
    pub label: String,
    /// Whether classes are created on it (default true).
    pub active: bool,
    /// Its credentials.
    pub credentials: ProviderCredentials,
    /// The secret the provider signs its webhooks with, if any.
    pub webhook_secret: Option<SecretText>,
}

/// `PATCH /provider-accounts/{id}`, parsed (`None`: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateAccount {
    /// A new label.
    pub label: Option<String>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// New credentials, replaced whole; of the account's kind.
    pub credentials: Option<ProviderCredentials>,
    /// A new webhook secret, or `Some(None)` to remove it.
    pub webhook_secret: Option<Option<SecretText>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shows_only_its_last_four_characters_and_never_in_debug() {
        let s = SecretText::parse(Field::ZoomClientSecret, "abcdefghijklmnop").unwrap();
        assert_eq!(s.hint().as_deref(), Some("…mnop"));
        assert!(!format!("{s:?}").contains("abc"));
        let short = SecretText::parse(Field::ZoomClientSecret, "short").unwrap();
        assert_eq!(short.hint(), None);
    }

    #[test]
    fn secrets_ids_and_host_names_are_checked() {
        for bad in ["", "with space", "tab\t", "ünï"] {
            assert!(
                SecretText::parse(Field::ZoomClientSecret, bad).is_err(),
                "{bad}"
            );
        }
        assert!(SecretText::parse(Field::ZoomClientSecret, &"x".repeat(1025)).is_err());
        for bad in ["", "a b", "x;y", &"a".repeat(201)] {
            assert!(
                CredentialId::parse(Field::ZoomAccountId, bad).is_err(),
                "{bad}"
            );
        }
        assert!(CredentialId::parse(Field::JitsiAppId, "vpaas-magic-cookie-1fc5").is_ok());
        for bad in [
            "",
            "-a.com",
            "a..com",
            "a_b.com",
            "https://a.com",
            "a.com:80",
        ] {
            assert!(HostName::parse(Field::JitsiDomain, bad).is_err(), "{bad}");
        }
        assert_eq!(
            HostName::parse(Field::DailyDomain, "Acme.Daily.co")
                .unwrap()
                .as_str(),
            "acme.daily.co"
        );
    }
}
