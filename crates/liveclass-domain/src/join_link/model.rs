//! The join hash, how early a link starts a class, and where a link leads.

use std::fmt;

use time::Duration;

use crate::class::{Joined, LiveClass};
use crate::validation::{Field, ValidationError};

/// 64 lower-case hex characters: two random (v4) UUIDs' 122 random bits
/// each, 244 bits in all, URL-safe as they stand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinHash(String);

impl JoinHash {
    /// The length of every hash.
    pub const LEN: usize = 64;

    /// Builds a hash from two random UUIDs (see [`crate::ids::IdGenerator::join_hash`]).
    pub fn from_uuids(a: uuid::Uuid, b: uuid::Uuid) -> Self {
        Self(format!("{}{}", a.simple(), b.simple()))
    }

    /// # Errors
    /// Anything but 64 lower-case hex characters.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.len() == Self::LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                Field::JoinHash,
                "must be 64 lower-case hexadecimal characters",
            ))
        }
    }

    /// The hash as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JoinHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How early the teacher's link starts a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinLinkPolicy {
    /// Default 15 minutes.
    pub start_window: Duration,
}

impl Default for JoinLinkPolicy {
    fn default() -> Self {
        Self {
            start_window: Duration::minutes(15),
        }
    }
}

/// What following a link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinLinkOutcome {
    /// The class has not started: wait.
    Countdown {
        /// The class.
        class: Box<LiveClass>,
        /// Never negative: 0 once the start time has passed.
        seconds_until_start: i64,
    },
    /// The caller is in the class, recorded exactly as `POST …/join` does.
    Joined(Box<Joined>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{IdGenerator, RandomIds};

    #[test]
    fn join_hashes_are_long_url_safe_and_distinct() {
        let a = RandomIds.join_hash();
        let b = RandomIds.join_hash();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 64);
        assert_eq!(JoinHash::parse(a.as_str()), Ok(a));
    }

    #[test]
    fn malformed_join_hashes_are_refused() {
        for bad in ["", "abc", &"G".repeat(64), &"a".repeat(63), &"A".repeat(64)] {
            assert!(JoinHash::parse(bad).is_err(), "{bad}");
        }
    }
}
