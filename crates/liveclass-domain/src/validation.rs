//! The error every parser of an input value returns, and the names of the
//! fields it can refuse, in the domain's own terms.

use std::fmt;

/// An input field the domain can refuse, named in the domain's terms. An
/// adapter names it in its own vocabulary (the HTTP layer maps
/// [`Field::Capacity`] to `maxParticipants`, for example).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A tenant id.
    TenantId,
    /// An `Idempotency-Key`.
    IdempotencyKey,
    /// A user id.
    UserId,
    /// A video room id.
    RoomId,
    /// A class's join-link hash.
    JoinHash,
    /// A class (or schedule) title.
    Title,
    /// A class description.
    Description,
    /// When a class is planned to start.
    ScheduledAt,
    /// The most participants a class admits at once.
    Capacity,
    /// Where a class's recording lives.
    RecordingUrl,
    /// A class status (list filter).
    Status,
    /// The order of a class list.
    Sort,
    /// A page size.
    Limit,
    /// A page offset.
    Offset,
    /// The start of a time window (list filter).
    From,
    /// The end of a time window (list filter).
    To,
    /// A course (cohort) id.
    CourseId,
    /// A schedule id.
    ScheduleId,
    /// The teacher who created a class (list filter).
    CreatedBy,
    /// The teacher of a schedule's classes.
    TeacherId,
    /// A schedule's IANA time zone.
    TimeZone,
    /// A schedule's local start time.
    StartTime,
    /// A schedule's class length.
    Duration,
    /// How often a schedule repeats.
    Frequency,
    /// Every n-th day, week or month.
    Interval,
    /// The weekdays of a weekly schedule.
    Weekdays,
    /// A schedule's first date.
    StartsOn,
    /// A schedule's last date.
    EndsOn,
    /// The date of a schedule occurrence.
    OccurrenceDate,
}

impl Field {
    /// The domain's name for the field (snake_case), as shown by
    /// [`ValidationError`]'s `Display`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TenantId => "tenant_id",
            Self::IdempotencyKey => "idempotency_key",
            Self::UserId => "user_id",
            Self::RoomId => "room_id",
            Self::JoinHash => "join_hash",
            Self::Title => "title",
            Self::Description => "description",
            Self::ScheduledAt => "scheduled_at",
            Self::Capacity => "capacity",
            Self::RecordingUrl => "recording_url",
            Self::Status => "status",
            Self::Sort => "sort",
            Self::Limit => "limit",
            Self::Offset => "offset",
            Self::From => "from",
            Self::To => "to",
            Self::CourseId => "course_id",
            Self::ScheduleId => "schedule_id",
            Self::CreatedBy => "created_by",
            Self::TeacherId => "teacher_id",
            Self::TimeZone => "time_zone",
            Self::StartTime => "start_time",
            Self::Duration => "duration",
            Self::Frequency => "recurrence.frequency",
            Self::Interval => "recurrence.interval",
            Self::Weekdays => "recurrence.weekdays",
            Self::StartsOn => "starts_on",
            Self::EndsOn => "ends_on",
            Self::OccurrenceDate => "occurrence_date",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input value was refused: which [`Field`], and what is wrong with it
/// (a sentence fragment such as `must not be blank`), so an adapter can tell
/// its client exactly what to fix, in its own names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field refused.
    pub field: Field,
    /// What is wrong with it.
    pub message: String,
}

impl ValidationError {
    /// A refusal of `field`.
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Parses an opaque identifier taken from a token or a body: 1..=128 chars,
/// no control characters, no surrounding white space.
pub(crate) fn opaque_id(field: Field, raw: &str) -> Result<String, ValidationError> {
    if raw.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if raw.chars().count() > 128 {
        return Err(ValidationError::new(
            field,
            "must be at most 128 characters",
        ));
    }
    if raw.trim() != raw || raw.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters or surrounding white space",
        ));
    }
    Ok(raw.to_owned())
}
