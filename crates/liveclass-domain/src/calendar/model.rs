//! Feed tokens, their owners, and how far feeds reach.

use std::fmt;

use sha2::{Digest, Sha256};
use time::Duration;

use crate::ids::{IdGenerator, TenantId, UserId};

/// A feed token as handed to its user: 64 lower-case hex characters (two
/// random UUIDs, 244 random bits). Only its [`CalendarTokenHash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CalendarToken(String);

impl CalendarToken {
    /// A new random token.
    pub fn generate(ids: &dyn IdGenerator) -> Self {
        Self(format!(
            "{}{}",
            ids.new_uuid().simple(),
            ids.new_uuid().simple()
        ))
    }

    /// `None` for anything but 64 lower-case hex characters.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(raw.to_owned()))
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hash the store keeps.
    pub fn hash(&self) -> CalendarTokenHash {
        let digest = Sha256::digest(self.0.as_bytes());
        CalendarTokenHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl fmt::Debug for CalendarToken {
    // A token is a credential: never logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CalendarToken(<redacted>)")
    }
}

/// The SHA-256 of a token, hex: what the store keeps and looks up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalendarTokenHash(String);

impl CalendarTokenHash {
    /// `None` for anything but 64 lower-case hex characters (a hash carried
    /// in a personal join link).
    pub fn parse(raw: &str) -> Option<Self> {
        CalendarToken::parse(raw).map(|t| Self(t.0))
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose feed a token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    /// The tenant.
    pub tenant_id: TenantId,
    /// The user.
    pub user_id: UserId,
}

/// How far back feeds reach.
pub const FEED_HISTORY: Duration = Duration::days(90);
/// The most classes one feed lists.
pub const FEED_MAX_CLASSES: u64 = 1000;
