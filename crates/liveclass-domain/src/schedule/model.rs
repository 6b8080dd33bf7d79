//! Schedules (seed 001's cohort timeslots) and their validated parts.

use std::fmt;

use time::macros::format_description;
use time::{Date, OffsetDateTime, Time, Weekday};

use crate::class::{AdmissionPolicy, Capacity, ClassPolicy, Title};
use crate::ids::{TenantId, UserId};
use crate::validation::{Field, ValidationError, opaque_id};

/// Identifies a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScheduleId(uuid::Uuid);

impl ScheduleId {
    /// The id of this UUID.
    pub const fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl fmt::Display for ScheduleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A course (the seed's cohort slug): an opaque string of 1..=128
/// characters, no control characters, no surrounding white space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourseId(String);

impl CourseId {
    /// # Errors
    /// Empty, longer than 128 characters, or with control characters.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        opaque_id(Field::CourseId, raw).map(Self)
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CourseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How often a schedule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// A single class.
    Once,
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks, on chosen weekdays.
    Weekly,
    /// Every `interval` months, on the day of the month of the first date.
    Monthly,
}

impl Frequency {
    /// Every frequency.
    pub const ALL: [Self; 4] = [Self::Once, Self::Daily, Self::Weekly, Self::Monthly];

    /// The frequency's name, as the API spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Once => "once",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
        }
    }

    /// # Errors
    /// Anything but `once`, `daily`, `weekly`, `monthly`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Frequency,
                    format!("must be one of once, daily, weekly, monthly (got `{raw}`)"),
                )
            })
    }
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

/// A weekday's two-letter RFC 5545 name (`MO` … `SU`).
pub fn weekday_code(day: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(_, d)| *d == day)
        .map_or("MO", |(code, _)| code)
}

/// # Errors
/// Anything but `MO`, `TU`, `WE`, `TH`, `FR`, `SA`, `SU`.
pub fn parse_weekday(raw: &str) -> Result<Weekday, ValidationError> {
    WEEKDAYS
        .iter()
        .find(|(code, _)| *code == raw)
        .map(|(_, d)| *d)
        .ok_or_else(|| {
            ValidationError::new(
                Field::Weekdays,
                format!("each must be one of MO, TU, WE, TH, FR, SA, SU (got `{raw}`)"),
            )
        })
}

/// A recurrence rule: `once`, or every `interval` days, weeks (on chosen
/// weekdays) or months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    frequency: Frequency,
    interval: u32,
    /// Monday first, without duplicates; empty unless weekly.
    weekdays: Vec<Weekday>,
}

impl Recurrence {
    /// The largest interval.
    pub const MAX_INTERVAL: u32 = 99;

    /// # Errors
    /// An unknown frequency or weekday, an interval outside 1..=99 (or other
    /// than 1 for `once`), weekdays missing for `weekly` or given for
    /// anything else.
    pub fn parse(
        frequency: &str,
        interval: Option<i64>,
        weekdays: Option<&[String]>,
    ) -> Result<Self, ValidationError> {
        let frequency = Frequency::parse(frequency)?;
        let interval = match interval {
            None => 1,
            Some(i) => u32::try_from(i)
                .ok()
                .filter(|i| (1..=Self::MAX_INTERVAL).contains(i))
                .ok_or_else(|| {
                    ValidationError::new(
                        Field::Interval,
                        format!("must be between 1 and {}", Self::MAX_INTERVAL),
                    )
                })?,
        };
        if frequency == Frequency::Once && interval != 1 {
            return Err(ValidationError::new(
                Field::Interval,
                "must be 1 (or absent) for a class that happens once",
            ));
        }
        let mut days = Vec::new();
        match (frequency, weekdays) {
            (Frequency::Weekly, Some(list)) if !list.is_empty() => {
                for raw in list {
                    days.push(parse_weekday(raw)?);
                }
                days.sort_by_key(|d| d.number_days_from_monday());
                days.dedup();
            }
            (Frequency::Weekly, _) => {
                return Err(ValidationError::new(
                    Field::Weekdays,
                    "at least one weekday is required for a weekly schedule",
                ));
            }
            (_, Some(list)) if !list.is_empty() => {
                return Err(ValidationError::new(
                    Field::Weekdays,
                    "weekdays are only allowed for a weekly schedule",
                ));
            }
            _ => {}
        }
        Ok(Self {
            frequency,
            interval,
            weekdays: days,
        })
    }

    /// How often it repeats.
    pub const fn frequency(&self) -> Frequency {
        self.frequency
    }
    /// Every n-th day, week or month.
    pub const fn interval(&self) -> u32 {
        self.interval
    }
    /// The weekdays of a weekly rule, Monday first; empty otherwise.
    pub fn weekdays(&self) -> &[Weekday] {
        &self.weekdays
    }
}

/// An IANA time zone, resolved against the tz database compiled into the
/// binary (never the host's).
#[derive(Debug, Clone)]
pub struct ScheduleTimeZone {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl ScheduleTimeZone {
    /// # Errors
    /// A name the embedded tz database does not know.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        // The database's own name is reported back, so `america/new_york`
        // is stored as `America/New_York`.
        let zone = jiff::tz::db().get(raw).map_err(|_| {
            ValidationError::new(
                Field::TimeZone,
                format!("must be an IANA time zone such as America/New_York (got `{raw}`)"),
            )
        })?;
        let name = zone.iana_name().unwrap_or(raw).to_owned();
        Ok(Self { name, zone })
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn zone(&self) -> &jiff::tz::TimeZone {
        &self.zone
    }
}

impl PartialEq for ScheduleTimeZone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for ScheduleTimeZone {}

/// A local wall-clock start time, `HH:MM` (24-hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalStartTime(Time);

impl LocalStartTime {
    /// # Errors
    /// Anything but `HH:MM` with 00 ≤ HH ≤ 23 and 00 ≤ MM ≤ 59.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Time::parse(raw, format_description!("[hour]:[minute]"))
            .map(Self)
            .map_err(|_| {
                ValidationError::new(
                    Field::StartTime,
                    format!("must be a 24-hour local time HH:MM (got `{raw}`)"),
                )
            })
    }

    /// The local time.
    pub const fn get(self) -> Time {
        self.0
    }
}

impl fmt::Display for LocalStartTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// How long each class lasts: 1..=1440 minutes (24 hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassDuration(u16);

impl ClassDuration {
    /// The longest class: 24 hours.
    pub const MAX_MINUTES: u16 = 1440;

    /// # Errors
    /// Outside 1..=1440.
    pub fn parse(minutes: i64) -> Result<Self, ValidationError> {
        u16::try_from(minutes)
            .ok()
            .filter(|m| (1..=Self::MAX_MINUTES).contains(m))
            .map(Self)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Duration,
                    format!("must be between 1 and {}", Self::MAX_MINUTES),
                )
            })
    }

    /// The length in minutes.
    pub const fn minutes(self) -> u16 {
        self.0
    }
}

/// # Errors
/// Anything but an ISO calendar date `YYYY-MM-DD`.
pub fn parse_date(field: Field, raw: &str) -> Result<Date, ValidationError> {
    Date::parse(raw, format_description!("[year]-[month]-[day]")).map_err(|_| {
        ValidationError::new(field, format!("must be a date YYYY-MM-DD (got `{raw}`)"))
    })
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Deployment-wide limits on schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulePolicy {
    /// The most classes one schedule may generate (default 500).
    pub max_occurrences: u32,
    /// Capacity limits, as for single classes.
    pub classes: ClassPolicy,
}

impl Default for SchedulePolicy {
    fn default() -> Self {
        Self {
            max_occurrences: 500,
            classes: ClassPolicy::default(),
        }
    }
}

/// A schedule as received (from a body, or an existing schedule with a patch
/// laid over it); [`ScheduleSpec::parse`] validates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleInput {
    /// The course (cohort).
    pub course_id: String,
    /// The title.
    pub title: String,
    /// The teacher of the generated classes; the caller when absent.
    pub teacher_id: Option<String>,
    /// The most participants a class admits at once.
    pub max_participants: Option<i64>,
    /// The IANA time zone of the start time.
    pub timezone: String,
    /// The local wall-clock start.
    pub start_time: String,
    /// How long each class lasts, in minutes.
    pub duration_minutes: i64,
    /// How often the schedule repeats.
    pub frequency: String,
    /// Every n-th day, week or month.
    pub interval: Option<i64>,
    /// Weekly schedules' weekdays (RFC 5545 codes).
    pub weekdays: Option<Vec<String>>,
    /// The first local date.
    pub starts_on: String,
    /// The last local date (inclusive).
    pub ends_on: Option<String>,
    /// The admission policy of the generated classes; `open` when absent.
    pub admission_policy: Option<String>,
}

/// Everything that defines a schedule's classes, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSpec {
    /// The course (cohort).
    pub course_id: CourseId,
    /// The title.
    pub title: Title,
    /// The teacher of the generated classes.
    pub teacher_id: UserId,
    /// The most participants a class admits at once.
    pub max_participants: Capacity,
    /// The IANA time zone of the start time.
    pub timezone: ScheduleTimeZone,
    /// The local wall-clock start.
    pub start_time: LocalStartTime,
    /// How long each class lasts.
    pub duration: ClassDuration,
    /// How the schedule repeats.
    pub recurrence: Recurrence,
    /// The first local date.
    pub starts_on: Date,
    /// Always set unless the recurrence is `once`.
    pub ends_on: Option<Date>,
    /// The admission policy every generated class starts with (seed 001's
    /// cohort classes: `roster`).
    pub admission: AdmissionPolicy,
}

impl ScheduleSpec {
    /// Validates every field; `default_teacher` is used when the input names
    /// none. Does not count occurrences (see [`ScheduleSpec::occurrences`]).
    ///
    /// # Errors
    /// The first invalid field, named as the API names it.
    pub fn parse(
        input: &ScheduleInput,
        default_teacher: &UserId,
        policy: &SchedulePolicy,
    ) -> Result<Self, ValidationError> {
        let course_id = CourseId::parse(&input.course_id)?;
        let title = Title::parse(&input.title)?;
        let teacher_id = match input.teacher_id.as_deref() {
            Some(raw) => UserId::parse(raw).map_err(|e| ValidationError {
                field: Field::TeacherId,
                ..e
            })?,
            None => default_teacher.clone(),
        };
        let max_participants = Capacity::parse(
            input
                .max_participants
                .unwrap_or(i64::from(policy.classes.default_capacity)),
            &policy.classes,
        )?;
        let timezone = ScheduleTimeZone::parse(&input.timezone)?;
        let start_time = LocalStartTime::parse(&input.start_time)?;
        let duration = ClassDuration::parse(input.duration_minutes)?;
        let recurrence =
            Recurrence::parse(&input.frequency, input.interval, input.weekdays.as_deref())?;
        let starts_on = crate::instant::parse_date(
            Field::StartsOn,
            parse_date(Field::StartsOn, &input.starts_on)?,
        )?;
        let ends_on = input
            .ends_on
            .as_deref()
            .map(|raw| crate::instant::parse_date(Field::EndsOn, parse_date(Field::EndsOn, raw)?))
            .transpose()?;
        match (recurrence.frequency(), ends_on) {
            (Frequency::Once, _) => {}
            (_, None) => {
                return Err(ValidationError::new(
                    Field::EndsOn,
                    "is required for a repeating schedule",
                ));
            }
            (_, Some(_)) => {}
        }
        if ends_on.is_some_and(|end| end < starts_on) {
            return Err(ValidationError::new(
                Field::EndsOn,
                "must not be before startsOn",
            ));
        }
        let admission = input
            .admission_policy
            .as_deref()
            .map(AdmissionPolicy::parse)
            .transpose()?
            .unwrap_or_default();
        // A class that happens once ends its schedule on its own day.
        let ends_on = match recurrence.frequency() {
            Frequency::Once => None,
            _ => ends_on,
        };
        Ok(Self {
            course_id,
            title,
            teacher_id,
            max_participants,
            timezone,
            start_time,
            duration,
            recurrence,
            starts_on,
            ends_on,
            admission,
        })
    }

    /// The spec back in its input form, for patches.
    pub fn to_input(&self) -> ScheduleInput {
        ScheduleInput {
            course_id: self.course_id.as_str().to_owned(),
            title: self.title.as_str().to_owned(),
            teacher_id: Some(self.teacher_id.as_str().to_owned()),
            max_participants: Some(i64::from(self.max_participants.get())),
            timezone: self.timezone.name().to_owned(),
            start_time: self.start_time.to_string(),
            duration_minutes: i64::from(self.duration.minutes()),
            frequency: self.recurrence.frequency().as_str().to_owned(),
            interval: Some(i64::from(self.recurrence.interval())),
            weekdays: Some(
                self.recurrence
                    .weekdays()
                    .iter()
                    .map(|d| weekday_code(*d).to_owned())
                    .collect(),
            ),
            starts_on: format_date(self.starts_on),
            ends_on: self.ends_on.map(format_date),
            admission_policy: Some(self.admission.as_str().to_owned()),
        }
    }
}

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The id.
    pub id: ScheduleId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// Its definition.
    pub spec: ScheduleSpec,
    /// The manager who created the schedule.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

/// Which occurrence of a schedule a class is: the schedule and the local
/// date the occurrence falls on. Unique among a schedule's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OccurrenceRef {
    /// The schedule.
    pub schedule_id: ScheduleId,
    /// The local calendar date of the occurrence (the key of generation).
    pub date: Date,
}

/// One generated meeting: its local date and its instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The local date of the occurrence.
    pub date: Date,
    /// When the occurrence starts.
    pub starts_at: OffsetDateTime,
    /// When the occurrence ends.
    pub ends_at: OffsetDateTime,
}
