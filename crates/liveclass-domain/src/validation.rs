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
    /// When a class actually started.
    StartedAt,
    /// When a class actually ended.
    EndedAt,
    /// The sequence number a replay of a class's events starts after.
    After,
    /// A webhook endpoint's URL.
    WebhookUrl,
    /// A webhook endpoint's event type filter.
    EventTypes,
    /// A recording's visibility.
    Visibility,
    /// A recording grant's level.
    Level,
    /// A recording's grants.
    Grants,
    /// When a recording grant lapses.
    ExpiresAt,
    /// The text of a chat message (or question).
    Content,
    /// A filter on the kind of an interaction.
    InteractionType,
    /// A reaction's kind (`thumbs_up`, …).
    ReactionKind,
    /// A shared resource's URL.
    ResourceUrl,
    /// A shared resource's type (`slides`, `document`, `link`, `video`).
    ResourceType,
    /// The last chat position a user has read.
    LastReadPosition,
    /// Whether an interaction hides its author.
    Anonymous,
    /// A poll's options (or the options a vote chooses).
    PollOptions,
    /// A class's (or schedule's) admission policy.
    AdmissionPolicy,
    /// The user ids of a course roster.
    RosterUsers,
    /// A provider account's kind.
    ProviderKind,
    /// A provider account's label.
    ProviderLabel,
    /// A Zoom account id.
    ZoomAccountId,
    /// A Zoom app's client id.
    ZoomClientId,
    /// A Zoom app's client secret.
    ZoomClientSecret,
    /// A Daily API key.
    DailyApiKey,
    /// A Daily team's domain.
    DailyDomain,
    /// A Jitsi app id.
    JitsiAppId,
    /// A Jitsi app secret.
    JitsiAppSecret,
    /// A Jitsi server's host name.
    JitsiDomain,
    /// The secret a provider signs its webhooks with.
    ProviderWebhookSecret,
    /// Whether a participant may use their microphone.
    MicAllowed,
    /// Whether a participant's hand is raised.
    HandRaised,
    /// The tenant's attendance grace period for `late`.
    LateAfterMinutes,
    /// The tenant's attendance grace period for `left_early`.
    LeftEarlyMinutes,
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
            Self::StartedAt => "started_at",
            Self::After => "after",
            Self::WebhookUrl => "url",
            Self::EventTypes => "event_types",
            Self::ProviderKind => "kind",
            Self::ProviderLabel => "label",
            Self::ZoomAccountId => "zoom.account_id",
            Self::ZoomClientId => "zoom.client_id",
            Self::ZoomClientSecret => "zoom.client_secret",
            Self::DailyApiKey => "daily.api_key",
            Self::DailyDomain => "daily.domain",
            Self::JitsiAppId => "jitsi.app_id",
            Self::JitsiAppSecret => "jitsi.app_secret",
            Self::JitsiDomain => "jitsi.domain",
            Self::ProviderWebhookSecret => "webhook_secret",
            Self::EndedAt => "ended_at",
            Self::Visibility => "visibility",
            Self::Level => "level",
            Self::Grants => "grants",
            Self::ExpiresAt => "expires_at",
            Self::Content => "content",
            Self::InteractionType => "type",
            Self::ReactionKind => "reaction",
            Self::ResourceUrl => "url",
            Self::ResourceType => "resource_type",
            Self::LastReadPosition => "last_read_position",
            Self::Anonymous => "is_anonymous",
            Self::PollOptions => "options",
            Self::AdmissionPolicy => "admission_policy",
            Self::RosterUsers => "user_ids",
            Self::MicAllowed => "mic_allowed",
            Self::HandRaised => "hand_raised",
            Self::LateAfterMinutes => "late_after_minutes",
            Self::LeftEarlyMinutes => "left_early_minutes",
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

/// The one rule for text, the same whichever database stores it: no
/// control characters (Unicode `Cc`: U+0000–U+001F, U+007F–U+009F, NUL
/// included). Multi-line text (a description) may hold line feeds, carriage
/// returns and tabs; single-line text (titles, ids) none at all. Text the
/// client sends is refused ([`check_text`]); text from a token that is only
/// shown (a display name) has them dropped ([`strip_controls`]).
pub fn is_allowed_char(c: char, multi_line: bool) -> bool {
    !c.is_control() || (multi_line && matches!(c, '\n' | '\r' | '\t'))
}

/// Refuses text with a character [`is_allowed_char`] does not allow.
///
/// # Errors
/// The first such character, named by its code point.
pub fn check_text(field: Field, raw: &str, multi_line: bool) -> Result<(), ValidationError> {
    match raw.chars().find(|c| !is_allowed_char(*c, multi_line)) {
        None => Ok(()),
        Some(c) => Err(ValidationError::new(
            field,
            format!(
                "must not contain control characters (found U+{:04X}){}",
                u32::from(c),
                if multi_line {
                    "; line breaks and tabs are allowed"
                } else {
                    ""
                }
            ),
        )),
    }
}

/// `raw` without its control characters (single-line rule).
pub fn strip_controls(raw: &str) -> String {
    raw.chars().filter(|c| is_allowed_char(*c, false)).collect()
}

/// A URL that points outside LiveClass (a recording today; resources and
/// webhooks later): absolute, with a host, of scheme `https`, `http` or `s3`,
/// at most [`ExternalUrl::MAX_CHARS`] characters, without white space or
/// control characters. Kept as given (not normalised), so it reads back
/// exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalUrl(String);

impl ExternalUrl {
    /// The most characters allowed.
    pub const MAX_CHARS: usize = 2048;
    /// The schemes allowed.
    pub const SCHEMES: [&'static str; 3] = ["https", "http", "s3"];

    /// # Errors
    /// Empty, too long, with white space or control characters, not an
    /// absolute URL with a host, or of another scheme (`javascript:`,
    /// `file:`, `data:`, …).
    pub fn parse(field: Field, raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValidationError::new(
                field,
                "must not contain white space or control characters",
            ));
        }
        let parsed = url::Url::parse(raw).map_err(|_| {
            ValidationError::new(
                field,
                "must be an absolute URL such as https://host/path or s3://bucket/key",
            )
        })?;
        if !Self::SCHEMES.contains(&parsed.scheme()) {
            return Err(ValidationError::new(
                field,
                "must be an https, http or s3 URL",
            ));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(ValidationError::new(
                field,
                "must name a host (or an s3 bucket)",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_text_refuses_every_control_character() {
        for raw in ["a\0b", "a\nb", "a\tb", "a\u{7f}b", "a\u{85}b", "a\u{1b}b"] {
            let err = check_text(Field::Title, raw, false).expect_err(raw);
            assert_eq!(err.field, Field::Title);
            assert!(
                err.message
                    .starts_with("must not contain control characters")
            );
        }
        assert!(check_text(Field::Title, "Café — ünïcode ✓", false).is_ok());
    }

    #[test]
    fn multi_line_text_allows_line_breaks_and_tabs_only() {
        assert!(check_text(Field::Description, "a\r\nb\tc", true).is_ok());
        for raw in ["a\0b", "a\u{7}b", "a\u{7f}b", "a\u{9f}b"] {
            assert!(
                check_text(Field::Description, raw, true).is_err(),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn external_urls_take_three_schemes_with_a_host() {
        for ok in [
            "https://cdn.example.com/r/1.mp4",
            "http://example.com",
            "s3://bucket/live-classes/1/recording.mp4",
            "HTTPS://Example.com/x",
        ] {
            assert_eq!(
                ExternalUrl::parse(Field::RecordingUrl, ok).map(|u| u.as_str().to_owned()),
                Ok(ok.to_owned())
            );
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "javascript://x/%0aalert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "ftp://example.com/x",
            "https://",
            "s3:///key",
            "/relative/path",
            "https://exa mple.com",
            "https://example.com/\0",
            "https://example.com/\t",
        ] {
            let err = ExternalUrl::parse(Field::RecordingUrl, bad).expect_err(bad);
            assert_eq!(err.field, Field::RecordingUrl, "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(ExternalUrl::parse(Field::RecordingUrl, &long).is_err());
        let edge = format!("https://example.com/{}", "a".repeat(2048 - 20));
        assert!(ExternalUrl::parse(Field::RecordingUrl, &edge).is_ok());
    }

    #[test]
    fn stripping_drops_control_characters() {
        assert_eq!(strip_controls("Ada\0 Love\nlace\u{7f}"), "Ada Lovelace");
    }
}
