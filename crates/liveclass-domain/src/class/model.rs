//! The `LiveClass` entity and its validated value types.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use super::admission::AdmissionPolicy;
use super::capacity::Capacity;
use crate::ids::{ClassId, RoomId, TenantId, UserId};
use crate::join_link::JoinHash;
use crate::schedule::{CourseId, OccurrenceRef};
use crate::validation::{Field, ValidationError};
use crate::video::Room;

/// Where a class is in its life. `Ended` and `Cancelled` are terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassStatus {
    /// Planned; not started yet.
    Scheduled,
    /// Started: participants may join.
    Live,
    /// Over; every participation is closed.
    Ended,
    /// Called off before it started.
    Cancelled,
}

impl ClassStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 4] = [Self::Scheduled, Self::Live, Self::Ended, Self::Cancelled];

    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Live => "live",
            Self::Ended => "ended",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for ClassStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ClassStatus {
    type Err = ValidationError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Status,
                    format!("must be one of scheduled, live, ended, cancelled (got `{raw}`)"),
                )
            })
    }
}

/// A class title: 1..=200 characters after trimming surrounding white space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// The most characters allowed.
    pub const MAX_CHARS: usize = 200;

    /// # Errors
    /// Blank, longer than 200 characters, or with control characters.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new(Field::Title, "must not be blank"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                Field::Title,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        crate::validation::check_text(Field::Title, trimmed, false)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A class description: at most 5000 characters; line breaks and tabs
/// allowed, no other control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    /// The most characters allowed.
    pub const MAX_CHARS: usize = 5000;

    /// # Errors
    /// Longer than 5000 characters, or with control characters other than
    /// line breaks and tabs.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                Field::Description,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        crate::validation::check_text(Field::Description, raw, true)?;
        Ok(Self(raw.to_owned()))
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a class's recording lives: an [`ExternalUrl`](crate::validation::ExternalUrl)
/// (`https`, `http` or `s3`, at most 2048 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingUrl(crate::validation::ExternalUrl);

impl RecordingUrl {
    /// The most characters allowed.
    pub const MAX_CHARS: usize = crate::validation::ExternalUrl::MAX_CHARS;

    /// # Errors
    /// See [`ExternalUrl::parse`](crate::validation::ExternalUrl::parse).
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        crate::validation::ExternalUrl::parse(Field::RecordingUrl, raw).map(Self)
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A live class as stored. How many are in it is derived data: see
/// [`ClassCounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveClass {
    /// The id.
    pub id: ClassId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The teacher: the only user who may start and end the class.
    pub created_by: UserId,
    /// The title.
    pub title: Title,
    /// The description, if any.
    pub description: Option<Description>,
    /// The class's room id (the room's public name).
    pub room_id: RoomId,
    /// The video provider's room for this class.
    pub room: Room,
    /// The status.
    pub status: ClassStatus,
    /// When the class is planned to start.
    pub scheduled_at: OffsetDateTime,
    /// The planned end. Classes generated by a schedule always have one.
    pub scheduled_end: Option<OffsetDateTime>,
    /// The course (cohort) the class belongs to, if any.
    pub course_id: Option<CourseId>,
    /// The schedule occurrence this class was generated for, if any.
    pub occurrence: Option<OccurrenceRef>,
    /// Identifies the class in `/join/{hash}` links.
    pub join_hash: JoinHash,
    /// iCalendar `SEQUENCE`: grows each time the class's schedule changes it.
    pub ical_sequence: u32,
    /// When the class went live.
    pub started_at: Option<OffsetDateTime>,
    /// When the class ended.
    pub ended_at: Option<OffsetDateTime>,
    /// The most participants a class admits at once.
    pub max_participants: Capacity,
    /// Who may join; `Roster` only with a `course_id`.
    pub admission: AdmissionPolicy,
    /// The users the host named co-hosts, in the order they were named (see
    /// [`super::moderation`]); at most [`LiveClass::MAX_CO_HOSTS`].
    pub co_hosts: Vec<UserId>,
    /// Where the recording lives, once set.
    pub recording_url: Option<RecordingUrl>,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl LiveClass {
    /// Whether `user` created (teaches) the class.
    pub fn is_creator(&self, user: &UserId) -> bool {
        &self.created_by == user
    }
}

/// How many are in a class, counted from its participations when asked for
/// (reads that do not show them do not pay for them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassCounts {
    /// Participations with no `left_at`.
    pub active: u32,
    /// Distinct users who have ever joined.
    pub participants: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            Title::parse("  Rust 101 ").map(|t| t.0),
            Ok("Rust 101".into())
        );
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        let err = Title::parse(&"é".repeat(201)).unwrap_err();
        assert_eq!(err.field, Field::Title);
        assert!(Title::parse("bell\u{7}").is_err());
    }

    #[test]
    fn descriptions_allow_5000_characters_and_no_more() {
        assert!(Description::parse(&"a".repeat(5000)).is_ok());
        assert_eq!(
            Description::parse(&"a".repeat(5001)).unwrap_err().field,
            Field::Description
        );
    }

    #[test]
    fn descriptions_allow_line_breaks_and_tabs_but_no_other_control_character() {
        assert!(Description::parse("line 1\r\nline\t2").is_ok());
        for bad in ["a\0b", "a\u{7}b", "a\u{7f}b"] {
            assert_eq!(
                Description::parse(bad).unwrap_err().field,
                Field::Description
            );
        }
        assert_eq!(Title::parse("a\0b").unwrap_err().field, Field::Title);
        assert_eq!(Title::parse("a\nb").unwrap_err().field, Field::Title);
    }

    #[test]
    fn recording_urls_must_be_absolute_https_http_or_s3() {
        for ok in [
            "s3://bucket/a.mp4",
            "https://cdn.example.com/r/1.mp4",
            "http://cdn.example.com/r/1.mp4",
        ] {
            assert!(RecordingUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "recording.mp4",
            "://x",
            "https://",
            "https://a b",
            "1http://x",
            "gs://b/k",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert!(RecordingUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(RecordingUrl::parse(&format!("https://x/{}", "a".repeat(2048))).is_err());
    }

    #[test]
    fn statuses_parse_from_their_names_only() {
        for s in ClassStatus::ALL {
            assert_eq!(s.as_str().parse::<ClassStatus>(), Ok(s));
        }
        assert_eq!(
            "LIVE".parse::<ClassStatus>().unwrap_err().field,
            Field::Status
        );
    }
}
