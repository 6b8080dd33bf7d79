use liveclass_domain::caller::Caller;
use liveclass_domain::class::errors::CreateClassError;
use liveclass_domain::class::{
    AdmissionPolicy, Capacity, ClassCounts, ClassFilter, ClassPage, ClassPolicy, ClassStatus,
    CreateClass, Description, ListClasses, LiveClass, PageRequest, RecordingUrl, SortOrder, Title,
    UpdateClass,
};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::schedule::{CourseId, ScheduleId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::video::UpdateClassBody;
use crate::error::{ApiError, ErrorCode};

use super::participation::ParticipantResponse;

/// A class's status.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StatusDto {
    Scheduled,
    Live,
    Ended,
    Cancelled,
}

impl From<ClassStatus> for StatusDto {
    fn from(s: ClassStatus) -> Self {
        match s {
            ClassStatus::Scheduled => Self::Scheduled,
            ClassStatus::Live => Self::Live,
            ClassStatus::Ended => Self::Ended,
            ClassStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// Who may join a class: `open` (any user of the tenant, while there is a
/// seat), `approval` (the class's creator and the users a moderator
/// approved after they asked, `POST /live-classes/{id}/requests`; others get
/// 403 `approval_required`) or `roster` (the class's creator and the users
/// on the roster of its course, `PUT /courses/{courseId}/roster`; others get
/// 403 `not_on_roster`, and do not see the class in `GET /live-classes`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AdmissionPolicyDto {
    Open,
    Approval,
    Roster,
}

impl From<AdmissionPolicy> for AdmissionPolicyDto {
    fn from(p: AdmissionPolicy) -> Self {
        match p {
            AdmissionPolicy::Open => Self::Open,
            AdmissionPolicy::Approval => Self::Approval,
            AdmissionPolicy::Roster => Self::Roster,
        }
    }
}

impl From<AdmissionPolicyDto> for AdmissionPolicy {
    fn from(p: AdmissionPolicyDto) -> Self {
        match p {
            AdmissionPolicyDto::Open => Self::Open,
            AdmissionPolicyDto::Approval => Self::Approval,
            AdmissionPolicyDto::Roster => Self::Roster,
        }
    }
}

/// `POST /live-classes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateClassBody {
    /// Optional; when given it must be the tenant of your token.
    #[schema(
        example = "acme",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub tenant_id: Option<String>,
    /// 1 to 200 characters; surrounding white space is trimmed; no control
    /// characters.
    #[schema(
        example = "Advanced JavaScript Session",
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    /// At most 5000 characters; no control characters but line breaks and
    /// tabs.
    #[schema(example = "Q&A for advanced concepts", max_length = 5000)]
    pub description: Option<String>,
    /// When the class is planned to start (RFC 3339), between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2030-11-20T14:00:00Z")]
    pub scheduled_at: OffsetDateTime,
    /// 1 to 500 (the deployment's limit); default 200. Counts everyone in the room, the creator included: one seat is held for the creator (seated when the class starts, and never refused for lack of room), and everyone else shares the other `maxParticipants - 1` (a class of 1 holds only its creator).
    #[schema(format = Int32, example = 150, minimum = 1, maximum = 500)]
    pub max_participants: Option<i64>,
    /// The course (cohort) the class belongs to; needed by the `roster`
    /// policy.
    #[schema(
        example = "web-dev-ft-2030",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub course_id: Option<String>,
    /// Who may join; default `open`. `roster` needs `courseId` (400
    /// `validation_failed` otherwise).
    pub admission_policy: Option<AdmissionPolicyDto>,
}

/// `GET /live-classes` order: `scheduledAt` (soonest first) or
/// `-scheduledAt` (latest first).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
// Documents a field kept as text (the domain parses it and names the
// field when it is wrong); a test checks the two agree.
#[allow(dead_code)]
pub enum SortDto {
    #[serde(rename = "scheduledAt")]
    ScheduledAt,
    #[serde(rename = "-scheduledAt")]
    ScheduledAtDescending,
}

/// A live class.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassResponse {
    #[schema(format = Uuid, example = "123e4567-e89b-12d3-a456-426614174000")]
    pub id: String,
    #[schema(example = "acme")]
    pub tenant_id: String,
    /// The teacher: the user who created the class.
    pub created_by: String,
    #[schema(example = "Advanced JavaScript Session")]
    pub title: String,
    #[schema(required = true)]
    pub description: Option<String>,
    pub status: StatusDto,
    #[schema(example = "room-789f0123-e89b-12d3-a456-426614174000")]
    pub room_id: String,
    /// Which video provider hosts the room (`jitsi`, `none`, …).
    #[schema(example = "jitsi")]
    pub video_provider: String,
    /// The room's URL. Shown to the class's creator only (and, in
    /// `GET /live-classes/{liveClassId}`, to a user in the class right now);
    /// everyone else enters the room through `POST
    /// /live-classes/{liveClassId}/join`, which answers it to those admitted.
    /// The room's name at the provider is a secret (`lc-` and 128 random
    /// bits), unrelated to `roomId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "https://meet.jit.si/lc-3f9a0c1e7b2d4a6f8e1c0b9a7d6e5f4c")]
    pub join_url: Option<String>,
    /// The host's link, shown to the class's creator only, for providers that
    /// have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub scheduled_at: OffsetDateTime,
    /// The planned end; classes generated by a schedule always have one.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub scheduled_end: Option<OffsetDateTime>,
    /// The course (cohort) the class belongs to.
    #[schema(example = "web-dev-ft-2030", required = true)]
    pub course_id: Option<String>,
    /// The schedule that generated the class.
    #[schema(value_type = Option<String>, format = Uuid, required = true)]
    pub schedule_id: Option<String>,
    /// Identifies the class in `GET /join/{joinHash}` links (256 random bits).
    #[schema(example = "4f1c0e7a9b2d4c3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e")]
    pub join_hash: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub ended_at: Option<OffsetDateTime>,
    /// The most participants at once. Counts everyone in the room, the creator included: one seat is held for the creator (seated when the class starts, and never refused for lack of room), and everyone else shares the other `maxParticipants - 1` (a class of 1 holds only its creator).
    #[schema(example = 150, minimum = 1)]
    pub max_participants: u32,
    /// Who may join (checked in the same atomic admission as capacity).
    pub admission_policy: AdmissionPolicyDto,
    /// The users the host named co-hosts: they moderate the class (chat,
    /// questions, polls, participant controls) but may not end or cancel it
    /// nor name co-hosts.
    #[schema(example = json!(["assistant-1"]))]
    pub co_hosts: Vec<String>,
    /// Distinct users who have joined at least once.
    #[schema(example = 42)]
    pub participant_count: u32,
    /// Users in the class right now.
    #[schema(example = 40)]
    pub active_participants: u32,
    #[schema(required = true)]
    pub recording_url: Option<String>,
    /// The caller's unread chat messages and questions (by others, not
    /// deleted, after the position they marked read with `POST
    /// /live-classes/{liveClassId}/interactions/read`). In `GET
    /// /live-classes` and `GET /live-classes/{liveClassId}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 3)]
    pub unread_messages: Option<u64>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl ClassResponse {
    /// The class as `viewer` may see it in details and lists: the room's
    /// links (join and host) for its creator only. Everyone else gets them
    /// from a join, which is where capacity and the class's lifecycle apply.
    pub fn for_viewer(class: LiveClass, counts: ClassCounts, viewer: &Caller) -> Self {
        let creator = class.is_creator(&viewer.user_id);
        Self::with_room(class, counts, creator, creator)
    }

    /// The class as a viewer who is in it right now (admitted, not left)
    /// may see it: the join link too, never the host link unless creator.
    pub fn for_admitted(class: LiveClass, counts: ClassCounts, viewer: &Caller) -> Self {
        let creator = class.is_creator(&viewer.user_id);
        Self::with_room(class, counts, true, creator)
    }

    fn with_room(class: LiveClass, counts: ClassCounts, join: bool, host: bool) -> Self {
        let join_url = join.then(|| class.room.join_url.clone());
        let host_url = if host {
            class.room.host_url.clone()
        } else {
            None
        };
        Self {
            id: class.id.to_string(),
            tenant_id: class.tenant_id.to_string(),
            created_by: class.created_by.to_string(),
            title: class.title.as_str().to_owned(),
            description: class.description.map(|d| d.as_str().to_owned()),
            status: class.status.into(),
            room_id: class.room_id.to_string(),
            video_provider: class.room.provider,
            join_url,
            host_url,
            scheduled_at: class.scheduled_at,
            scheduled_end: class.scheduled_end,
            course_id: class.course_id.map(|c| c.as_str().to_owned()),
            schedule_id: class.occurrence.map(|o| o.schedule_id.to_string()),
            join_hash: class.join_hash.as_str().to_owned(),
            started_at: class.started_at,
            ended_at: class.ended_at,
            max_participants: class.max_participants.get(),
            admission_policy: class.admission.into(),
            co_hosts: class.co_hosts.iter().map(ToString::to_string).collect(),
            participant_count: counts.participants,
            active_participants: counts.active,
            recording_url: class.recording_url.map(|u| u.as_str().to_owned()),
            unread_messages: None,
            created_at: class.created_at,
            updated_at: class.updated_at,
        }
    }
}

/// A class with every participation, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassDetailsResponse {
    #[serde(flatten)]
    pub class: ClassResponse,
    pub participants: Vec<ParticipantResponse>,
}

/// `GET /live-classes` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListClassesQuery {
    /// Only classes with this status.
    #[param(value_type = Option<StatusDto>)]
    pub status: Option<String>,
    /// Page size, 1 to 100; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// Classes to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub offset: Option<String>,
    /// Only classes of this course.
    #[serde(rename = "courseId")]
    #[param(
        rename = "courseId",
        example = "web-dev-ft-2030",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub course_id: Option<String>,
    /// Only classes generated by this schedule (UUID).
    #[serde(rename = "scheduleId")]
    #[param(rename = "scheduleId", value_type = Option<String>, format = Uuid)]
    pub schedule_id: Option<String>,
    /// Only classes taught (created) by this user.
    #[serde(rename = "createdBy")]
    #[param(
        rename = "createdBy",
        example = "teacher-1",
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"
    )]
    pub created_by: Option<String>,
    /// Only classes scheduled at or after this instant (RFC 3339), between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[param(value_type = Option<String>, format = DateTime, example = "2030-03-01T00:00:00Z")]
    pub from: Option<String>,
    /// Only classes scheduled at or before this instant (RFC 3339), between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[param(value_type = Option<String>, format = DateTime, example = "2030-03-31T23:59:59Z")]
    pub to: Option<String>,
    /// `true`: only classes neither ended nor cancelled.
    #[param(value_type = Option<bool>)]
    pub upcoming: Option<String>,
    /// `scheduledAt` (default, soonest first) or `-scheduledAt` (latest first).
    #[param(value_type = Option<SortDto>, example = "-scheduledAt")]
    pub sort: Option<String>,
}

/// A page of classes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassListResponse {
    /// Classes matching the filter, on every page.
    #[schema(example = 5)]
    pub total: u64,
    #[schema(example = 50, minimum = 1, maximum = 100)]
    pub limit: u32,
    #[schema(example = 0)]
    pub offset: u64,
    pub live_classes: Vec<ClassResponse>,
}

impl ClassListResponse {
    /// The page as `viewer` sees it, with their `unread` counts per class
    /// (0 when absent).
    pub fn new(
        page: ClassPage,
        viewer: &Caller,
        unread: &std::collections::HashMap<liveclass_domain::ids::ClassId, u64>,
    ) -> Self {
        Self {
            total: page.total,
            limit: page.page.limit(),
            offset: page.page.offset(),
            live_classes: page
                .classes
                .into_iter()
                .map(|(class, counts)| {
                    let unread = unread.get(&class.id).copied().unwrap_or(0);
                    let mut class = ClassResponse::for_viewer(class, counts, viewer);
                    class.unread_messages = Some(unread);
                    class
                })
                .collect(),
        }
    }
}

/// The answer to a start.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartedResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub status: StatusDto,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Option<OffsetDateTime>,
    #[schema(example = "Live class started successfully")]
    pub message: &'static str,
}

/// The answer to an end.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndedResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub status: StatusDto,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = String, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    #[schema(example = "Live class ended successfully")]
    pub message: &'static str,
}

/// `POST /live-classes/{id}/recording`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingBody {
    /// An absolute `https`, `http` or `s3` URL with a host (or bucket), at
    /// most 2048 characters, without white space.
    #[schema(
        example = "s3://bucket/live-classes/123e4567/recording.mp4",
        min_length = 1,
        max_length = 2048
    )]
    pub recording_url: String,
}

/// The answer to setting a recording.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub recording_url: String,
    #[schema(example = "Recording URL updated successfully")]
    pub message: &'static str,
}

/// A description as the API takes it: blank means none.
fn description(raw: Option<&str>) -> Result<Option<Description>, ApiError> {
    Ok(raw
        .filter(|d| !d.trim().is_empty())
        .map(Description::parse)
        .transpose()?)
}

/// A capacity within the deployment's bounds, so the message names its limit.
fn capacity(raw: Option<i64>, policy: &ClassPolicy) -> Result<Option<Capacity>, ApiError> {
    Ok(raw.map(|n| Capacity::parse(n, policy)).transpose()?)
}

impl CreateClassBody {
    /// The command, every field parsed; `policy` bounds `maxParticipants`.
    ///
    /// # Errors
    /// The first invalid field (400); a `tenantId` that cannot be a tenant
    /// is not the caller's (403 `tenant_mismatch`).
    pub fn into_command(self, policy: &ClassPolicy) -> Result<CreateClass, ApiError> {
        let tenant = self
            .tenant_id
            .as_deref()
            .map(TenantId::parse)
            .transpose()
            .map_err(|_| ApiError::from(CreateClassError::TenantMismatch))?;
        Ok(CreateClass {
            tenant,
            title: Title::parse(&self.title)?,
            description: description(self.description.as_deref())?,
            scheduled_at: self.scheduled_at,
            capacity: capacity(self.max_participants, policy)?,
            course_id: self.course_id.as_deref().map(CourseId::parse).transpose()?,
            admission: self.admission_policy.map(Into::into),
        })
    }
}

impl UpdateClassBody {
    /// The command, every field parsed; `policy` bounds `maxParticipants`.
    ///
    /// # Errors
    /// The first invalid field (400).
    pub fn into_command(self, policy: &ClassPolicy) -> Result<UpdateClass, ApiError> {
        Ok(UpdateClass {
            title: self.title.as_deref().map(Title::parse).transpose()?,
            description: match self.description {
                None => None,
                Some(d) => Some(description(d.as_deref())?),
            },
            scheduled_at: self.scheduled_at,
            capacity: capacity(self.max_participants, policy)?,
            admission: self.admission_policy.map(Into::into),
        })
    }
}

impl TryFrom<RecordingBody> for RecordingUrl {
    type Error = ApiError;

    fn try_from(body: RecordingBody) -> Result<Self, ApiError> {
        Ok(RecordingUrl::parse(&body.recording_url)?)
    }
}

impl TryFrom<ListClassesQuery> for ListClasses {
    type Error = ApiError;

    fn try_from(query: ListClassesQuery) -> Result<Self, ApiError> {
        let status = query
            .status
            .as_deref()
            .map(str::parse::<ClassStatus>)
            .transpose()?;
        let limit = integer("limit", query.limit.as_deref())?;
        let offset = integer("offset", query.offset.as_deref())?;
        let filter = ClassFilter {
            status,
            course_id: query
                .course_id
                .as_deref()
                .map(CourseId::parse)
                .transpose()?,
            schedule_id: query
                .schedule_id
                .as_deref()
                .map(|raw| {
                    uuid::Uuid::try_parse(raw)
                        .map(ScheduleId::from_uuid)
                        .map_err(|_| invalid("scheduleId", "must be a UUID", raw))
                })
                .transpose()?,
            created_by: query
                .created_by
                .as_deref()
                .map(UserId::parse)
                .transpose()
                .map_err(|e| {
                    invalid(
                        "createdBy",
                        &e.message,
                        query.created_by.as_deref().unwrap_or(""),
                    )
                })?,
            from: instant("from", query.from.as_deref())?,
            to: instant("to", query.to.as_deref())?,
            upcoming: match query.upcoming.as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => return Err(invalid("upcoming", "must be true or false", other)),
            },
            sort: query
                .sort
                .as_deref()
                .map(SortOrder::parse)
                .transpose()?
                .unwrap_or_default(),
            // Set by the service from the caller's roles.
            visible_to: None,
        };
        let page = PageRequest::new(limit, offset)?;
        filter.check()?;
        Ok(Self { filter, page })
    }
}

pub(crate) fn integer(field: &'static str, raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    raw.map(|r| {
        r.parse::<i64>().map_err(|_| {
            ApiError::new(
                ErrorCode::ValidationFailed,
                format!("{field}: must be an integer (got `{r}`)"),
            )
        })
    })
    .transpose()
}

fn invalid(field: &str, what: &str, raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ValidationFailed,
        format!("{field}: {what} (got `{raw}`)"),
    )
}

pub(crate) fn instant(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<OffsetDateTime>, ApiError> {
    raw.map(|r| {
        OffsetDateTime::parse(r, &Rfc3339).map_err(|_| {
            invalid(
                field,
                "must be an RFC 3339 instant such as 2030-03-01T00:00:00Z",
                r,
            )
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::SortDto;
    use liveclass_domain::class::SortOrder;

    #[test]
    fn the_documented_sort_orders_are_what_the_domain_accepts() {
        for sort in [SortDto::ScheduledAt, SortDto::ScheduledAtDescending] {
            let value = serde_json::to_value(sort).unwrap();
            let name = value.as_str().unwrap();
            assert!(SortOrder::parse(name).is_ok(), "{name}");
        }
    }
}
