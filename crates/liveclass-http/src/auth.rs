//! Bearer-JWT authentication.
//!
//! Tokens come from the platform's identity provider, signed with HS256 (a
//! shared secret), RS256/ES256 (we hold the public key), or any key the
//! provider publishes in its JWKS (`LIVECLASS_JWT_JWKS_URL`, chosen by the
//! token's `kid`: [`crate::jwks`]). `exp` and `sub` are required; `nbf`, when
//! present, must not be in the future; `iss` and `aud` are checked when
//! configured (`aud` as one string or, as RFC 7519 allows, an array of
//! strings: one of them must match). `exp` and `nbf` tolerate a clock skew of
//! [`JwtConfig::leeway_seconds`] (default [`DEFAULT_LEEWAY_SECONDS`],
//! jsonwebtoken's own default).
//!
//! The claims LiveClass reads: `sub` (user id), and by default `tenant_id`,
//! `roles` (array of strings) and optional `name`; where a provider keeps
//! them elsewhere, [`ClaimMapping`] says (see [`crate::claim_map`]). `sub`
//! and the tenant with control characters are refused (401); control
//! characters in the name (a display name) are dropped.
//!
//! A refused token is answered `invalid_token` (or `token_expired`) with no
//! detail; the reason goes to the log, one line per refusal.

use std::future::Future;
use std::pin::Pin;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use liveclass_domain::caller::Caller;
use liveclass_domain::ids::{TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::claim_map::{ClaimMapping, Mapped};
use crate::error::{ApiError, ErrorCode};
use crate::jwks::{CachedKey, JwksCache, JwksSource};
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
    /// The identity provider's published keys, chosen by `kid`
    /// (RS256/ES256/EdDSA and kin; see [`crate::jwks`]).
    Jwks(JwksSource),
}

impl std::fmt::Debug for JwtKey {
    // Never print the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hs256Secret(_) => f.write_str("Hs256Secret(<redacted>)"),
            Self::PublicKeyPem(_) => f.write_str("PublicKeyPem(..)"),
            Self::Jwks(source) => write!(f, "Jwks({})", source.url),
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
    /// Where the tenant, roles and name are read, and the role map.
    pub claims: ClaimMapping,
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
    #[error("the JWKS client cannot be built: {0}")]
    JwksClient(#[from] reqwest::Error),
}

enum Keys {
    /// One key, one algorithm.
    Static(DecodingKey),
    /// Keys fetched from the provider; each token names its own.
    Jwks(JwksCache),
}

/// Verifies bearer tokens; shared by every request.
pub struct JwtVerifier {
    keys: Keys,
    /// Issuer, audience, leeway and required claims; the algorithm is set
    /// per key.
    validation: Validation,
    mapping: ClaimMapping,
}

/// A token refused: what the client is told (`invalid_token` or
/// `token_expired`, no details) and why, for the operator's log.
struct Refusal {
    expired: bool,
    reason: String,
}

impl Refusal {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            expired: false,
            reason: reason.into(),
        }
    }

    /// Logs the reason in one line and answers without it.
    fn answer(self, kid: Option<&str>) -> ApiError {
        if self.expired {
            tracing::info!(reason = %self.reason, kid, "bearer token refused");
            ApiError::new(ErrorCode::TokenExpired, "The bearer token has expired")
        } else {
            tracing::warn!(reason = %self.reason, kid, "bearer token refused");
            ApiError::new(ErrorCode::InvalidToken, "The bearer token is not valid")
        }
    }
}

impl JwtVerifier {
    /// # Errors
    /// A secret shorter than 32 bytes, a PEM that is not an RSA or P-256
    /// public key, or a JWKS client that cannot be built.
    pub fn new(config: &JwtConfig) -> Result<Self, JwtConfigError> {
        let (keys, algorithm) = match &config.key {
            JwtKey::Hs256Secret(secret) => {
                if secret.len() < 32 {
                    return Err(JwtConfigError::SecretTooShort);
                }
                (
                    Keys::Static(DecodingKey::from_secret(secret)),
                    Algorithm::HS256,
                )
            }
            JwtKey::PublicKeyPem(pem) => {
                if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
                    (Keys::Static(key), Algorithm::RS256)
                } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
                    (Keys::Static(key), Algorithm::ES256)
                } else {
                    return Err(JwtConfigError::UnsupportedPublicKey);
                }
            }
            // The algorithm is the key's, chosen per token.
            JwtKey::Jwks(source) => (
                Keys::Jwks(JwksCache::new(source.clone())?),
                Algorithm::RS256,
            ),
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
        Ok(Self {
            keys,
            validation,
            mapping: config.claims.clone(),
        })
    }

    /// The algorithm of a single configured key (RS256 stands for a JWKS,
    /// whose keys bring their own).
    pub fn algorithm(&self) -> Algorithm {
        self.validation
            .algorithms
            .first()
            .copied()
            .unwrap_or(Algorithm::HS256)
    }

    /// Verifies a token and turns its claims into a caller, fetching the
    /// provider's keys when needed (JWKS).
    ///
    /// # Errors
    /// 401 `token_expired` or `invalid_token`; the reason is logged, not
    /// answered.
    pub async fn verify_async(&self, token: &str) -> Result<Caller, ApiError> {
        let header = match jsonwebtoken::decode_header(token) {
            Ok(header) => header,
            Err(e) => return Err(Refusal::new(format!("malformed token: {e}")).answer(None)),
        };
        let kid = header.kid.as_deref();
        let result = match &self.keys {
            Keys::Static(key) => self.check(token, key, &self.validation),
            Keys::Jwks(cache) => match cache.key(kid, header.alg).await {
                Ok(found) => self.check_with(token, &found, header.alg),
                Err(e) => Err(Refusal::new(format!("{e} ({})", cache.url()))),
            },
        };
        result.map_err(|r| r.answer(kid))
    }

    /// Verifies a token with the keys held now (a JWKS is not fetched).
    ///
    /// # Errors
    /// 401 `token_expired` or `invalid_token`; the reason is logged, not
    /// answered.
    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| Refusal::new(format!("malformed token: {e}")).answer(None))?;
        let kid = header.kid.as_deref();
        let result = match &self.keys {
            Keys::Static(key) => self.check(token, key, &self.validation),
            Keys::Jwks(cache) => match cache.cached(kid, header.alg) {
                Some(found) => self.check_with(token, &found, header.alg),
                None => Err(Refusal::new(format!(
                    "no key held for kid {kid:?} ({})",
                    cache.url()
                ))),
            },
        };
        result.map_err(|r| r.answer(kid))
    }

    fn check_with(&self, token: &str, key: &CachedKey, alg: Algorithm) -> Result<Caller, Refusal> {
        if !key.algorithms.contains(&alg) {
            return Err(Refusal::new(format!(
                "the token's algorithm {alg:?} does not fit its key (allowed: {:?})",
                key.algorithms
            )));
        }
        let mut validation = self.validation.clone();
        validation.algorithms = vec![alg];
        self.check(token, &key.key, &validation)
    }

    fn check(
        &self,
        token: &str,
        key: &DecodingKey,
        validation: &Validation,
    ) -> Result<Caller, Refusal> {
        let data = jsonwebtoken::decode::<serde_json::Value>(token, key, validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => Refusal {
                    expired: true,
                    reason: "the token has expired".into(),
                },
                ErrorKind::ImmatureSignature => {
                    Refusal::new("the token is not valid yet (`nbf` is in the future)")
                }
                ErrorKind::InvalidIssuer => Refusal::new("the token's issuer is not accepted"),
                ErrorKind::InvalidAudience => Refusal::new("the token's audience is not accepted"),
                ErrorKind::InvalidSignature => Refusal::new("the token's signature is not valid"),
                ErrorKind::InvalidAlgorithm => Refusal::new(format!(
                    "the token's algorithm is not accepted (expected {:?})",
                    validation.algorithms
                )),
                ErrorKind::MissingRequiredClaim(claim) => {
                    Refusal::new(format!("the token has no `{claim}` claim"))
                }
                _ => Refusal::new(format!("the token is malformed: {e}")),
            },
        )?;
        let mapped = self.mapping.map(&data.claims).map_err(Refusal::new)?;
        caller_from(mapped, &self.mapping)
    }
}

fn caller_from(mapped: Mapped, mapping: &ClaimMapping) -> Result<Caller, Refusal> {
    let invalid = |e: liveclass_domain::ValidationError| {
        let claim = if e.field == liveclass_domain::Field::UserId {
            "sub".to_owned()
        } else {
            format!("tenant ({})", mapping.tenant)
        };
        Refusal::new(format!("the token's `{claim}` claim {}", e.message))
    };
    Ok(Caller {
        user_id: UserId::parse(&mapped.sub).map_err(invalid)?,
        tenant_id: TenantId::parse(&mapped.tenant).map_err(invalid)?,
        roles: mapped.roles,
        // A display name is shown, never an identity: control characters
        // are dropped rather than refusing the caller.
        name: mapped
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
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // Once per request: a middleware (`crate::idempotency`) and the
            // handler may both ask, and the rate limits count a request once.
            if let Some(done) = req.extensions().get::<Authenticated>() {
                return Ok(done.clone());
            }
            let caller = authenticate(&req).await?;
            req.extensions_mut().insert(Authenticated(caller.clone()));
            Ok(Authenticated(caller))
        })
    }
}

async fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    // Always present: `crate::app` registers the state.
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(ApiError::internal(&std::io::Error::other(
            "the app state is not registered",
        )));
    };
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
    let caller = state.verifier.verify_async(token).await?;
    let pattern = req.match_pattern();
    let route = pattern.as_deref().unwrap_or(req.path());
    if let Some(kind) = crate::rate_limit::kind_of(req.method(), route) {
        state
            .limits
            .check(kind, &caller, std::time::Instant::now())?;
    }
    Ok(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(name: Option<&str>) -> Mapped {
        Mapped {
            sub: "u1".into(),
            tenant: "t".into(),
            roles: vec![],
            name: name.map(str::to_owned),
        }
    }

    #[test]
    fn a_display_name_loses_its_control_characters() {
        let mapping = ClaimMapping::default();
        let caller = caller_from(mapped(Some("Ada\0 Love\u{7f}lace\n")), &mapping)
            .unwrap_or_else(|_| panic!());
        assert_eq!(caller.name.as_deref(), Some("Ada Lovelace"));
        let caller = caller_from(mapped(Some("\0\u{1}")), &mapping).unwrap_or_else(|_| panic!());
        assert_eq!(caller.name, None);
    }
}
