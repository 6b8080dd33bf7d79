//! Idempotency keys, stored answers and the claim's outcomes.

use time::{Duration, OffsetDateTime};

use crate::ids::{TenantId, UserId};
use crate::validation::{Field, ValidationError};

/// A client's `Idempotency-Key`: 1 to 255 visible ASCII characters (a UUID
/// is the usual choice).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest key accepted.
    pub const MAX_LEN: usize = 255;

    /// # Errors
    /// When `raw` is empty, longer than 255 characters, or holds anything
    /// but visible ASCII.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN || !raw.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ValidationError::new(
                Field::IdempotencyKey,
                "must be 1 to 255 visible ASCII characters",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A claim of a key, as [`IdempotencyRepository::claim_key`](super::IdempotencyRepository::claim_key) takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    /// The caller's tenant.
    pub tenant_id: TenantId,
    /// The caller.
    pub user_id: UserId,
    /// The key.
    pub key: IdempotencyKey,
    /// What identifies the request (a hash of method, path and body).
    pub fingerprint: String,
    /// When the claim is made (the key's `created_at`).
    pub now: OffsetDateTime,
    /// A key created before this has expired: free.
    pub expired_before: OffsetDateTime,
    /// An unfinished key created before this was left by a dead request: free.
    pub stale_before: OffsetDateTime,
}

/// A successful answer, kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The body, as sent.
    pub body: String,
    /// The `Location` header, if any.
    pub location: Option<String>,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The key was free (new, expired, or its request died): the caller
    /// owns it and runs the operation.
    Claimed,
    /// The same request finished before: its answer.
    Done(StoredResponse),
    /// The same request is running now.
    InProgress,
    /// The key was used for another request (another fingerprint).
    Mismatch,
}

/// How long keys live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyPolicy {
    /// How long a key's answer is replayed (24 h).
    pub ttl: Duration,
    /// How long a claimed key whose request has not finished blocks it (a
    /// request that died leaves its claim behind): 1 minute, longer than any
    /// request runs.
    pub in_progress_lease: Duration,
}

impl Default for IdempotencyPolicy {
    fn default() -> Self {
        Self {
            ttl: Duration::hours(24),
            in_progress_lease: Duration::minutes(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_1_to_255_visible_ascii_characters() {
        assert!(IdempotencyKey::parse("4b0c3f3e-8f5e-4c3a-9d1e-2f6b7a8c9d0e").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        for bad in ["", " key", "ké", "a\u{0}b", &"k".repeat(256)] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
