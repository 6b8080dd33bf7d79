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
/// How long a recording link is accepted for: enough to click it, short
/// enough that a copied link is soon worthless. Following it checks the
/// caller's access again.
pub const RECORDING_LINK_TTL: Duration = Duration::from_secs(300);
/// Every recording link token starts with this.
pub const RECORDING_LINK_PREFIX: &str = "lcrl_";
const RECORDING_AUDIENCE: &str = "liveclass:recording-link";

/// A recording link's claims: the caller it was issued to, the recording,
/// and whether it downloads.
#[derive(Debug, Serialize, Deserialize)]
struct RecordingLinkClaims {
    sub: String,
    tenant_id: String,
    #[serde(default)]
    roles: Vec<String>,
    /// The recording the link opens.
    rec: String,
    /// A download link (else a watch link).
    dl: bool,
    aud: String,
    exp: u64,
    iat: u64,
}

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
    link_validation: Validation,
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
        let mut link_validation = Validation::new(Algorithm::HS256);
        link_validation.set_audience(&[RECORDING_AUDIENCE]);
        link_validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        // An expired link is refused at once: no leeway.
        link_validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
            link_validation,
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

impl StreamTokens {
    /// A short-lived link token for `caller` on one recording (`download`
    /// or watch), and when it expires: signed by LiveClass, it names no
    /// provider URL and holds no provider credential.
    ///
    /// # Errors
    /// Only if signing fails, which HS256 does not.
    pub fn issue_recording_link(
        &self,
        caller: &Caller,
        recording: &str,
        download: bool,
    ) -> Result<(String, OffsetDateTime), ApiError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.sign_recording_link(
            caller,
            recording,
            download,
            now + RECORDING_LINK_TTL.as_secs(),
            now,
        )
    }

    fn sign_recording_link(
        &self,
        caller: &Caller,
        recording: &str,
        download: bool,
        exp: u64,
        iat: u64,
    ) -> Result<(String, OffsetDateTime), ApiError> {
        let claims = RecordingLinkClaims {
            sub: caller.user_id.as_str().to_owned(),
            tenant_id: caller.tenant_id.as_str().to_owned(),
            roles: caller.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            rec: recording.to_owned(),
            dl: download,
            aud: RECORDING_AUDIENCE.to_owned(),
            exp,
            iat,
        };
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(&e))?;
        let expires_at = OffsetDateTime::from_unix_timestamp(i64::try_from(exp).unwrap_or(0))
            .map_err(|e| ApiError::internal(&e))?;
        Ok((format!("{RECORDING_LINK_PREFIX}{jwt}"), expires_at))
    }

    /// The caller a recording link was issued to and whether it downloads,
    /// if it is valid for `recording`.
    ///
    /// # Errors
    /// 401 `token_expired`, or `invalid_token` (not a recording link, bad
    /// signature, another recording).
    pub fn verify_recording_link(
        &self,
        token: &str,
        recording: &str,
    ) -> Result<(Caller, bool), ApiError> {
        let invalid = |why: &str| ApiError::new(ErrorCode::InvalidToken, why.to_owned());
        let jwt = token
            .strip_prefix(RECORDING_LINK_PREFIX)
            .ok_or_else(|| invalid("`token` is not a recording link token"))?;
        let claims = jsonwebtoken::decode::<RecordingLinkClaims>(
            jwt,
            &self.decoding,
            &self.link_validation,
        )
        .map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => ApiError::new(
                ErrorCode::TokenExpired,
                "The recording link has expired; ask GET /recordings/{recordingId} for a new one",
            ),
            _ => invalid("The recording link is not valid"),
        })?
        .claims;
        if claims.rec != recording {
            return Err(invalid("The recording link is for another recording"));
        }
        let bad = |_| invalid("The recording link is not valid");
        Ok((
            Caller {
                user_id: UserId::parse(&claims.sub).map_err(bad)?,
                tenant_id: TenantId::parse(&claims.tenant_id).map_err(bad)?,
                roles: claims.roles.iter().map(|r| Role::parse(r)).collect(),
                name: None,
            },
            claims.dl,
        ))
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

    #[test]
    fn a_recording_link_opens_its_recording_until_it_expires_and_nothing_else() {
        let tokens = StreamTokens::new(b"key-one");
        let (link, expires) = tokens
            .issue_recording_link(&caller(), "rec-1", true)
            .unwrap();
        assert!(expires > OffsetDateTime::now_utc());
        let (who, download) = tokens.verify_recording_link(&link, "rec-1").unwrap();
        assert_eq!(
            (who.user_id.as_str(), who.tenant_id.as_str(), download),
            ("u-1", "acme", true)
        );
        // Another recording, another key, a stream token, a tampered link.
        let code = |r: Result<(Caller, bool), ApiError>| r.unwrap_err().code;
        assert_eq!(
            code(tokens.verify_recording_link(&link, "rec-2")),
            ErrorCode::InvalidToken
        );
        let other = StreamTokens::new(b"key-two");
        assert_eq!(
            code(other.verify_recording_link(&link, "rec-1")),
            ErrorCode::InvalidToken
        );
        let class = ClassId::from_uuid(Uuid::new_v4());
        let (stream, _) = tokens.issue(&caller(), class).unwrap();
        assert_eq!(
            code(tokens.verify_recording_link(&stream, "rec-1")),
            ErrorCode::InvalidToken
        );
        let forged = link.replace(RECORDING_LINK_PREFIX, STREAM_TOKEN_PREFIX);
        assert!(tokens.verify(&forged, class).is_err());
        // Expired a second ago: refused, with no leeway.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let (old, _) = tokens
            .sign_recording_link(&caller(), "rec-1", false, now - 1, now - 301)
            .unwrap();
        assert_eq!(
            code(tokens.verify_recording_link(&old, "rec-1")),
            ErrorCode::TokenExpired
        );
    }
}
