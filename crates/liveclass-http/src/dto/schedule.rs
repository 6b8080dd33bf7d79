use liveclass_domain::caller::Caller;
use liveclass_domain::ids::UserId;
use liveclass_domain::schedule::{
    CourseId, GenerationReport, Schedule, ScheduleInput, SchedulePatch, SchedulePolicy,
    ScheduleSpec, ScheduleView, format_date, weekday_code,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::{AdmissionPolicyDto, ClassResponse};
use liveclass_domain::class::AdmissionPolicy;

/// How often a schedule repeats.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
// Documents a field kept as text (the domain parses it and names the
// field when it is wrong); a test checks the two agree.
#[allow(dead_code)]
pub enum FrequencyDto {
    Once,
    Daily,
    Weekly,
    Monthly,
}

/// A weekday's RFC 5545 code.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
// Documents a field kept as text (the domain parses it and names the
// field when it is wrong); a test checks the two agree.
#[allow(dead_code)]
pub enum WeekdayDto {
    Mo,
    Tu,
    We,
    Th,
    Fr,
    Sa,
    Su,
}

/// How a schedule repeats.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceBody {
    /// `once`, `daily`, `weekly` or `monthly`. Monthly schedules repeat on the
    /// day of the month of `startsOn` and skip months without that day.
    #[schema(value_type = FrequencyDto, example = "weekly")]
    pub frequency: String,
    /// Every n-th day, week or month, 1 to 99; default 1.
    #[schema(example = 1, format = Int32, minimum = 1, maximum = 99)]
    pub interval: Option<i64>,
    /// Weekly only: RFC 5545 day codes `MO` … `SU`.
    #[schema(value_type = Option<Vec<WeekdayDto>>, max_items = 7, example = json!(["MO", "WE"]))]
    pub weekdays: Option<Vec<String>>,
}

/// `POST /schedules`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateScheduleBody {
    /// The course (cohort) the classes belong to.
    #[schema(
        example = "web-dev-ft-2030",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub course_id: String,
    /// The title of every generated class, 1 to 200 characters.
    #[schema(
        example = "Web Dev live class",
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    /// The teacher (creator) of the generated classes; default: you.
    #[schema(
        example = "teacher-1",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub teacher_id: Option<String>,
    /// 1 to 500 (the deployment's limit); default 200. Each class's
    /// `maxParticipants`, which counts its teacher (one seat is held for
    /// them).
    #[schema(example = 120, format = Int32, minimum = 1, maximum = 500)]
    pub max_participants: Option<i64>,
    /// IANA time zone the start time is in.
    #[schema(example = "America/New_York", min_length = 1, max_length = 64)]
    pub timezone: String,
    /// Local wall-clock start, `HH:MM` (24-hour). A time that does not exist
    /// on a DST spring-forward day moves forward by the gap; one that exists
    /// twice on a fall-back day is the first.
    #[schema(example = "14:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: String,
    /// 1 to 1440.
    #[schema(example = 120, format = Int32, minimum = 1, maximum = 1440)]
    pub duration_minutes: i64,
    pub recurrence: RecurrenceBody,
    /// First local date, `YYYY-MM-DD`, between 1970-01-01 and 9998-12-31;
    /// occurrences whose instant falls outside 1970-01-01T00:00:00Z ..=
    /// 9998-12-31T23:59:59Z are not generated.
    #[schema(format = Date, example = "2030-03-01")]
    pub starts_on: String,
    /// Last local date (inclusive), between 1970-01-01 and 9998-12-31;
    /// required unless `once`.
    #[schema(value_type = Option<String>, format = Date, example = "2030-06-30")]
    pub ends_on: Option<String>,
    /// The admission policy the generated classes start with (default
    /// `open`); `roster` admits the course's roster only.
    pub admission_policy: Option<AdmissionPolicyDto>,
}

impl From<CreateScheduleBody> for ScheduleInput {
    fn from(b: CreateScheduleBody) -> Self {
        Self {
            course_id: b.course_id,
            title: b.title,
            teacher_id: b.teacher_id,
            max_participants: b.max_participants,
            timezone: b.timezone,
            start_time: b.start_time,
            duration_minutes: b.duration_minutes,
            frequency: b.recurrence.frequency,
            interval: b.recurrence.interval,
            weekdays: b.recurrence.weekdays,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            admission_policy: b.admission_policy.map(|p| policy_name(p).to_owned()),
        }
    }
}

/// The domain's name of a policy (the schedule input keeps it as text).
fn policy_name(p: AdmissionPolicyDto) -> &'static str {
    AdmissionPolicy::from(p).as_str()
}

impl CreateScheduleBody {
    /// The schedule's definition, every field parsed; `default_teacher`
    /// (the caller) teaches when the body names no teacher, and `policy`
    /// bounds `maxParticipants` and the other limits.
    ///
    /// # Errors
    /// The first invalid field (400).
    pub fn into_spec(
        self,
        default_teacher: &UserId,
        policy: &SchedulePolicy,
    ) -> Result<ScheduleSpec, crate::error::ApiError> {
        Ok(ScheduleSpec::parse(
            &ScheduleInput::from(self),
            default_teacher,
            policy,
        )?)
    }
}

/// Recurrence fields to change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecurrencePatchBody {
    #[schema(value_type = Option<FrequencyDto>)]
    pub frequency: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 99)]
    pub interval: Option<i64>,
    #[schema(value_type = Option<Vec<WeekdayDto>>, max_items = 7, example = json!(["MO", "WE"]))]
    pub weekdays: Option<Vec<String>>,
}

/// `PATCH /schedules/{scheduleId}`: the fields to change; absent ones keep
/// their value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateScheduleBody {
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub course_id: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub teacher_id: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 500)]
    pub max_participants: Option<i64>,
    #[schema(min_length = 1, max_length = 64)]
    pub timezone: Option<String>,
    #[schema(example = "15:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i64>,
    pub recurrence: Option<RecurrencePatchBody>,
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<String>,
    /// A new admission policy for the schedule's future classes that have not
    /// started (they follow the schedule, like its other fields).
    pub admission_policy: Option<AdmissionPolicyDto>,
}

impl From<UpdateScheduleBody> for SchedulePatch {
    fn from(b: UpdateScheduleBody) -> Self {
        let r = b.recurrence.unwrap_or_default();
        Self {
            course_id: b.course_id,
            title: b.title,
            teacher_id: b.teacher_id,
            max_participants: b.max_participants,
            timezone: b.timezone,
            start_time: b.start_time,
            duration_minutes: b.duration_minutes,
            frequency: r.frequency,
            interval: r.interval,
            weekdays: r.weekdays,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            admission_policy: b.admission_policy.map(|p| policy_name(p).to_owned()),
        }
    }
}

/// `GET /schedules` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListSchedulesQuery {
    /// Only the schedules of this course.
    #[param(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub course_id: Option<String>,
}

impl ListSchedulesQuery {
    /// The course to filter by, parsed.
    ///
    /// # Errors
    /// An invalid `courseId` (400).
    pub fn course(self) -> Result<Option<CourseId>, crate::error::ApiError> {
        Ok(self.course_id.as_deref().map(CourseId::parse).transpose()?)
    }
}

/// A schedule's recurrence.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceResponse {
    #[schema(value_type = FrequencyDto, example = "weekly")]
    pub frequency: &'static str,
    #[schema(example = 1, minimum = 1, maximum = 99)]
    pub interval: u32,
    #[schema(value_type = Vec<WeekdayDto>, example = json!(["MO", "WE"]))]
    pub weekdays: Vec<&'static str>,
}

/// A schedule.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub tenant_id: String,
    #[schema(example = "web-dev-ft-2030")]
    pub course_id: String,
    pub title: String,
    pub teacher_id: String,
    #[schema(minimum = 1)]
    pub max_participants: u32,
    #[schema(example = "America/New_York")]
    pub timezone: String,
    #[schema(example = "14:00")]
    pub start_time: String,
    #[schema(example = 120, minimum = 1, maximum = 1440)]
    pub duration_minutes: u16,
    pub recurrence: RecurrenceResponse,
    #[schema(format = Date, example = "2030-03-01")]
    pub starts_on: String,
    #[schema(value_type = Option<String>, format = Date, example = "2030-06-30", required = true)]
    pub ends_on: Option<String>,
    /// The admission policy of the generated classes.
    pub admission_policy: AdmissionPolicyDto,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Schedule> for ScheduleResponse {
    fn from(s: Schedule) -> Self {
        let spec = s.spec;
        Self {
            id: s.id.to_string(),
            tenant_id: s.tenant_id.to_string(),
            course_id: spec.course_id.to_string(),
            title: spec.title.as_str().to_owned(),
            teacher_id: spec.teacher_id.to_string(),
            max_participants: spec.max_participants.get(),
            timezone: spec.timezone.name().to_owned(),
            start_time: spec.start_time.to_string(),
            duration_minutes: spec.duration.minutes(),
            recurrence: RecurrenceResponse {
                frequency: spec.recurrence.frequency().as_str(),
                interval: spec.recurrence.interval(),
                weekdays: spec
                    .recurrence
                    .weekdays()
                    .iter()
                    .map(|d| weekday_code(*d))
                    .collect(),
            },
            starts_on: format_date(spec.starts_on),
            ends_on: spec.ends_on.map(format_date),
            admission_policy: spec.admission.into(),
            created_by: s.created_by.to_string(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// What a request generated.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenerationResponse {
    /// Classes created.
    pub created: u32,
    /// Future classes moved or changed (their iCal SEQUENCE grew).
    pub updated: u32,
    /// Future classes removed (not started, no participants).
    pub removed: u32,
}

impl From<GenerationReport> for GenerationResponse {
    fn from(r: GenerationReport) -> Self {
        Self {
            created: r.created,
            updated: r.updated,
            removed: r.removed,
        }
    }
}

/// A schedule with its upcoming classes (at most 50).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleDetailsResponse {
    #[serde(flatten)]
    pub schedule: ScheduleResponse,
    pub upcoming_classes: Vec<ClassResponse>,
    /// What this request generated (zeros for a read).
    pub generated: GenerationResponse,
}

impl ScheduleDetailsResponse {
    pub fn new(view: ScheduleView, viewer: &Caller) -> Self {
        Self {
            schedule: view.schedule.into(),
            upcoming_classes: view
                .upcoming
                .into_iter()
                .map(|(class, counts)| ClassResponse::for_viewer(class, counts, viewer))
                .collect(),
            generated: view.generation.into(),
        }
    }
}

/// The tenant's schedules.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleListResponse {
    pub schedules: Vec<ScheduleResponse>,
}

/// The answer to a delete.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleDeletedResponse {
    #[schema(format = Uuid)]
    pub id: String,
    /// Future classes removed with it; started, ended, cancelled and attended
    /// classes stay.
    pub removed_classes: u32,
    #[schema(example = "Schedule deleted")]
    pub message: &'static str,
}

#[cfg(test)]
mod tests {
    use super::{FrequencyDto, WeekdayDto};
    use liveclass_domain::schedule::{Frequency, parse_weekday};

    fn names<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn the_documented_enums_are_what_the_domain_accepts() {
        use FrequencyDto as F;
        for name in names(&[F::Once, F::Daily, F::Weekly, F::Monthly]) {
            assert!(Frequency::parse(&name).is_ok(), "{name}");
        }
        use WeekdayDto as W;
        for name in names(&[W::Mo, W::Tu, W::We, W::Th, W::Fr, W::Sa, W::Su]) {
            assert!(parse_weekday(&name).is_ok(), "{name}");
        }
    }
}
