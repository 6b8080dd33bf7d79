//! Stream tokens: what a browser's `EventSource` (which cannot send an
//! `Authorization` header) authenticates with, as `?token=` on one class's
//! stream and nowhere else.
//!
//! A token is `lcst_` + an HS256 JWT signed with the *stream* key (never the
//! bearer key), with the audience `liveclass:event-stream` and the class id:
//! the bearer verifier refuses it (prefix, key), and the stream refuses it
//! for another class. It carries the caller (tenant, user, roles), so any
//! process that shares the key accepts it, without a database row.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use liveclass_domain::caller::{Caller, Role};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::{ApiError, ErrorCode};

/// How long a stream token is accepted for (a stream opened with it stays
/// open; a browser reconnecting later asks for a new one).
pub const STREAM_TOKEN_TTL: Duration = Duration::from_secs(300);
/// Every stream token starts with this.
pub const STREAM_TOKEN_PREFIX: &str = "lcst_";
const AUDIENCE: &str = "liveclass:event-stream";

#[derive(Debug, Serialize, Deserialize)]
struct StreamClaims {
    sub: String,
    tenant_id: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The class the token opens.
    cls: String,
    aud: String,
    exp: u64,
    iat: u64,
}

/// Issues and checks stream tokens with one HS256 key.
#[derive(Clone)]
pub struct StreamTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for StreamTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamTokens(<key>)")
    }
}

impl StreamTokens {
    /// Tokens signed with `key` (any length; it is hashed to 32 bytes with a
    /// label, so the same bytes as the bearer secret still give another key).
    pub fn new(key: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"liveclass stream token key\0");
        hasher.update(key);
        let key = hasher.finalize();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
        }
    }

    /// A token for `caller` on `class_id`, and when it expires.
    ///
    /// # Errors
    /// Only if signing fails, which HS256 does not.
    pub fn issue(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<(String, OffsetDateTime), ApiError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let exp = now + STREAM_TOKEN_TTL.as_secs();
        let claims = StreamClaims {
            sub: caller.user_id.as_str().to_owned(),
            tenant_id: caller.tenant_id.as_str().to_owned(),
            roles: caller.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            name: caller.name.clone(),
            cls: class_id.to_string(),
            aud: AUDIENCE.to_owned(),
            exp,
            iat: now,
        };
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(&e))?;
        let expires_at = OffsetDateTime::from_unix_timestamp(i64::try_from(exp).unwrap_or(0))
            .map_err(|e| ApiError::internal(&e))?;
        Ok((format!("{STREAM_TOKEN_PREFIX}{jwt}"), expires_at))
    }

    /// The caller a token was issued to, if it is valid for `class_id`.
    ///
    /// # Errors
    /// 401 `token_expired`, or `invalid_token` (not a stream token, bad
    /// signature, another class).
    pub fn verify(&self, token: &str, class_id: ClassId) -> Result<Caller, ApiError> {
        let invalid = |why: &str| ApiError::new(ErrorCode::InvalidToken, why.to_owned());
        let jwt = token.strip_prefix(STREAM_TOKEN_PREFIX).ok_or_else(|| {
            invalid(
                "`token` is not a stream token (get one from POST /live-classes/{id}/events/token)",
            )
        })?;
        let claims = jsonwebtoken::decode::<StreamClaims>(jwt, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    ApiError::new(ErrorCode::TokenExpired, "The stream token has expired")
                }
                _ => invalid("The stream token is not valid"),
            })?
            .claims;
        if claims.cls != class_id.to_string() {
            return Err(invalid("The stream token is for another class"));
        }
        let bad = |_| invalid("The stream token is not valid");
        Ok(Caller {
            user_id: UserId::parse(&claims.sub).map_err(bad)?,
            tenant_id: TenantId::parse(&claims.tenant_id).map_err(bad)?,
            roles: claims.roles.iter().map(|r| Role::parse(r)).collect(),
            name: claims.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn caller() -> Caller {
        Caller {
            user_id: UserId::parse("u-1").unwrap(),
            tenant_id: TenantId::parse("acme").unwrap(),
            roles: vec![Role::parse("student")],
            name: Some("Ada".into()),
        }
    }

    #[test]
    fn a_token_opens_its_class_only_and_only_with_its_key() {
        let tokens = StreamTokens::new(b"key-one");
        let class = ClassId::from_uuid(Uuid::new_v4());
        let (token, expires) = tokens.issue(&caller(), class).unwrap();
        assert!(token.starts_with(STREAM_TOKEN_PREFIX));
        assert!(expires > OffsetDateTime::now_utc());
        let back = tokens.verify(&token, class).unwrap();
        assert_eq!(back.user_id, caller().user_id);
        assert_eq!(back.tenant_id, caller().tenant_id);
        let other = ClassId::from_uuid(Uuid::new_v4());
        assert_eq!(
            tokens.verify(&token, other).unwrap_err().code,
            ErrorCode::InvalidToken
        );
        assert_eq!(
            StreamTokens::new(b"key-two")
                .verify(&token, class)
                .unwrap_err()
                .code,
            ErrorCode::InvalidToken
        );
        // Without its prefix it is not a stream token.
        assert!(
            tokens
                .verify(&token[STREAM_TOKEN_PREFIX.len()..], class)
                .is_err()
        );
    }
}
