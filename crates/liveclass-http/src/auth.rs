//! Bearer-JWT authentication.
//!
//! Tokens come from the platform's identity provider, signed with HS256 (a
//! shared secret) or RS256/ES256 (we hold the public key). `exp` is required;
//! `nbf`, when present, must not be in the future; `iss` and `aud` are
//! checked when configured (`aud` as one string or, as RFC 7519 allows, an
//! array of strings: one of them must match). `exp` and `nbf` tolerate a clock
//! skew of [`JwtConfig::leeway_seconds`] (default
//! [`DEFAULT_LEEWAY_SECONDS`], jsonwebtoken's own default). The claims
//! LiveClass reads: `sub` (user id), `tenant_id`, `roles` (array of strings),
//! optional `name`. `sub` and `tenant_id` with control characters are
//! refused (401); control characters in `name` (a display name) are dropped.

use std::future::{Ready, ready};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use liveclass_domain::caller::{Caller, Role};
use liveclass_domain::ids::{TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The claims of a LiveClass token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub tenant_id: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// Not before, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
}

/// The `aud` claim: one audience or several (RFC 7519, section 4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl From<&str> for Audience {
    fn from(aud: &str) -> Self {
        Self::One(aud.to_owned())
    }
}

/// The key tokens are verified with.
#[derive(Clone)]
pub enum JwtKey {
    /// HS256 with a shared secret.
    Hs256Secret(Vec<u8>),
    /// RS256 or ES256 (P-256), told apart by the PEM's key type.
    PublicKeyPem(Vec<u8>),
}

impl std::fmt::Debug for JwtKey {
    // Never print the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hs256Secret(_) => f.write_str("Hs256Secret(<redacted>)"),
            Self::PublicKeyPem(_) => f.write_str("PublicKeyPem(..)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub key: JwtKey,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds
    /// (`LIVECLASS_JWT_LEEWAY_SECONDS`).
    pub leeway_seconds: u64,
}

/// The default clock skew tolerated on `exp` and `nbf`: jsonwebtoken's own
/// default, kept because identity providers and servers drift by seconds, not
/// minutes, and a minute is short next to any token's lifetime.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum JwtConfigError {
    #[error("the HS256 secret must be at least 32 bytes long")]
    SecretTooShort,
    #[error("the public key is neither an RSA nor an EC (P-256) public key in PEM form")]
    UnsupportedPublicKey,
}

/// Verifies bearer tokens; shared by every request.
#[derive(Clone)]
pub struct JwtVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl JwtVerifier {
    /// # Errors
    /// A secret shorter than 32 bytes, or a PEM that is not an RSA or P-256
    /// public key.
    pub fn new(config: &JwtConfig) -> Result<Self, JwtConfigError> {
        let (key, algorithm) = match &config.key {
            JwtKey::Hs256Secret(secret) => {
                if secret.len() < 32 {
                    return Err(JwtConfigError::SecretTooShort);
                }
                (DecodingKey::from_secret(secret), Algorithm::HS256)
            }
            JwtKey::PublicKeyPem(pem) => {
                if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
                    (key, Algorithm::RS256)
                } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
                    (key, Algorithm::ES256)
                } else {
                    return Err(JwtConfigError::UnsupportedPublicKey);
                }
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = config.leeway_seconds;
        validation.validate_nbf = true;
        // A configured issuer or audience must also be present: jsonwebtoken
        // checks them only when the token carries them otherwise.
        let mut required = vec!["exp", "sub"];
        if config.issuer.is_some() {
            required.push("iss");
        }
        if config.audience.is_some() {
            required.push("aud");
        }
        validation.set_required_spec_claims(&required);
        match &config.issuer {
            Some(iss) => validation.set_issuer(&[iss]),
            None => validation.iss = None,
        }
        match &config.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        Ok(Self { key, validation })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.validation
            .algorithms
            .first()
            .copied()
            .unwrap_or(Algorithm::HS256)
    }

    /// Verifies a token and turns its claims into a caller.
    ///
    /// # Errors
    /// 401 `token_expired` or `invalid_token`, with the reason.
    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    ApiError::new(ErrorCode::TokenExpired, "The bearer token has expired")
                }
                ErrorKind::ImmatureSignature => ApiError::new(
                    ErrorCode::InvalidToken,
                    "The bearer token is not valid yet (`nbf` is in the future)",
                ),
                ErrorKind::InvalidIssuer => ApiError::new(
                    ErrorCode::InvalidToken,
                    "The bearer token's issuer is not accepted",
                ),
                ErrorKind::InvalidAudience => ApiError::new(
                    ErrorCode::InvalidToken,
                    "The bearer token's audience is not accepted",
                ),
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => ApiError::new(
                    ErrorCode::InvalidToken,
                    "The bearer token's signature is not valid",
                ),
                ErrorKind::MissingRequiredClaim(claim) => ApiError::new(
                    ErrorCode::InvalidToken,
                    format!("The bearer token has no `{claim}` claim"),
                ),
                _ => ApiError::new(
                    ErrorCode::InvalidToken,
                    format!("The bearer token is malformed: {e}"),
                ),
            },
        )?;
        caller_from(data.claims)
    }
}

fn caller_from(claims: Claims) -> Result<Caller, ApiError> {
    let invalid = |e: liveclass_domain::ValidationError| {
        let claim = if e.field == liveclass_domain::Field::UserId {
            "sub"
        } else {
            "tenant_id"
        };
        ApiError::new(
            ErrorCode::InvalidToken,
            format!("The bearer token's `{claim}` claim {}", e.message),
        )
    };
    Ok(Caller {
        user_id: UserId::parse(&claims.sub).map_err(invalid)?,
        tenant_id: TenantId::parse(&claims.tenant_id).map_err(invalid)?,
        roles: claims.roles.iter().map(|r| Role::parse(r)).collect(),
        // A display name is shown, never an identity: control characters
        // are dropped rather than refusing the caller.
        name: claims
            .name
            .map(|n| liveclass_domain::validation::strip_controls(&n))
            .filter(|n| !n.trim().is_empty())
            .map(|n| n.chars().take(200).collect()),
    })
}

/// Signs HS256 tokens: for `server token` in development and for tests. The
/// identity provider signs production tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
    issuer: Option<String>,
    audience: Option<String>,
}

impl TokenIssuer {
    pub fn hs256(secret: &[u8], issuer: Option<String>, audience: Option<String>) -> Self {
        Self {
            key: EncodingKey::from_secret(secret),
            issuer,
            audience,
        }
    }

    /// A token for `sub` in `tenant` with `roles`, valid for `ttl_seconds`.
    ///
    /// # Errors
    /// Only if signing fails, which HS256 does not.
    pub fn mint(
        &self,
        sub: &str,
        tenant: &str,
        roles: &[&str],
        name: Option<&str>,
        ttl_seconds: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let claims = Claims {
            sub: sub.to_owned(),
            tenant_id: tenant.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            name: name.map(str::to_owned),
            exp: now.saturating_add(ttl_seconds),
            iat: Some(now),
            iss: self.issuer.clone(),
            aud: self.audience.as_deref().map(Audience::from),
            nbf: None,
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims (tests use it for expired or odd tokens).
    ///
    /// # Errors
    /// Only if signing fails.
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.key)
    }
}

/// The authenticated caller of a request: extracting it verifies the
/// `Authorization: Bearer` token, or answers 401.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map(Authenticated))
    }
}

pub(crate) fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    // Always present: `crate::app` registers the state.
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(ApiError::internal(&std::io::Error::other(
            "the app state is not registered",
        )));
    };
    let verifier = &state.verifier;
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::new(ErrorCode::MissingToken, "Missing bearer token"))?;
    let value = header.to_str().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidToken,
            "The Authorization header is not valid text",
        )
    })?;
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidToken,
                "The Authorization header must be `Bearer <token>`",
            )
        })?;
    verifier.verify(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(name: Option<&str>) -> Claims {
        Claims {
            sub: "u1".into(),
            tenant_id: "t".into(),
            roles: vec![],
            name: name.map(str::to_owned),
            exp: 0,
            iat: None,
            iss: None,
            aud: None,
            nbf: None,
        }
    }

    #[test]
    fn a_display_name_loses_its_control_characters() {
        let caller =
            caller_from(claims(Some("Ada\0 Love\u{7f}lace\n"))).unwrap_or_else(|_| panic!());
        assert_eq!(caller.name.as_deref(), Some("Ada Lovelace"));
        let caller = caller_from(claims(Some("\0\u{1}"))).unwrap_or_else(|_| panic!());
        assert_eq!(caller.name, None);
    }
}
