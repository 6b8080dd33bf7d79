use liveclass_domain::caller::Caller;
use liveclass_domain::class::{ClassCounts, ClassPage, ClassStatus, LiveClass};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

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

/// `POST /live-classes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateClassBody {
    /// Optional; when given it must be the tenant of your token.
    #[schema(example = "456e7890-e89b-12d3-a456-426614174000")]
    pub tenant_id: Option<String>,
    /// 1 to 200 characters; surrounding white space is trimmed.
    #[schema(
        example = "Advanced JavaScript Session",
        min_length = 1,
        max_length = 200
    )]
    pub title: String,
    /// At most 5000 characters.
    #[schema(example = "Q&A for advanced concepts", max_length = 5000)]
    pub description: Option<String>,
    /// When the class is planned to start (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2030-11-20T14:00:00Z")]
    pub scheduled_at: OffsetDateTime,
    /// 1 to 500 (the deployment's limit); default 200.
    #[schema(example = 150, minimum = 1, maximum = 500)]
    pub max_participants: Option<i64>,
}

/// A live class.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassResponse {
    #[schema(example = "123e4567-e89b-12d3-a456-426614174000")]
    pub id: String,
    pub tenant_id: String,
    /// The teacher: the user who created the class.
    pub created_by: String,
    #[schema(example = "Advanced JavaScript Session")]
    pub title: String,
    pub description: Option<String>,
    pub status: StatusDto,
    #[schema(example = "room-789f0123-e89b-12d3-a456-426614174000")]
    pub room_id: String,
    /// Which video provider hosts the room (`jitsi`, `none`, …).
    #[schema(example = "jitsi")]
    pub video_provider: String,
    /// Where participants meet.
    #[schema(example = "https://meet.jit.si/room-789f0123-e89b-12d3-a456-426614174000")]
    pub join_url: String,
    /// The host's link, shown to the class's creator only, for providers that
    /// have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub scheduled_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    #[schema(example = 150)]
    pub max_participants: u32,
    /// Distinct users who have joined at least once.
    #[schema(example = 42)]
    pub participant_count: u32,
    /// Users in the class right now.
    #[schema(example = 40)]
    pub active_participants: u32,
    pub recording_url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl ClassResponse {
    /// The class as `viewer` may see it: the host link only for its creator.
    pub fn for_viewer(class: LiveClass, counts: ClassCounts, viewer: &Caller) -> Self {
        let host_url = if class.is_creator(&viewer.user_id) {
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
            join_url: class.room.join_url,
            host_url,
            scheduled_at: class.scheduled_at,
            started_at: class.started_at,
            ended_at: class.ended_at,
            max_participants: class.max_participants.get(),
            participant_count: counts.participants,
            active_participants: counts.active,
            recording_url: class.recording_url.map(|u| u.as_str().to_owned()),
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
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// Classes to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub offset: Option<String>,
}

/// A page of classes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassListResponse {
    /// Classes matching the filter, on every page.
    #[schema(example = 5)]
    pub total: u64,
    #[schema(example = 50)]
    pub limit: u32,
    #[schema(example = 0)]
    pub offset: u64,
    pub live_classes: Vec<ClassResponse>,
}

impl ClassListResponse {
    pub fn new(page: ClassPage, viewer: &Caller) -> Self {
        Self {
            total: page.total,
            limit: page.page.limit(),
            offset: page.page.offset(),
            live_classes: page
                .classes
                .into_iter()
                .map(|(class, counts)| ClassResponse::for_viewer(class, counts, viewer))
                .collect(),
        }
    }
}

/// The answer to a start.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartedResponse {
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
    /// An absolute URL (`https://…`, `s3://…`), at most 2048 characters.
    #[schema(example = "s3://bucket/live-classes/123e4567/recording.mp4")]
    pub recording_url: String,
}

/// The answer to setting a recording.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingResponse {
    pub id: String,
    pub recording_url: String,
    #[schema(example = "Recording URL updated successfully")]
    pub message: &'static str,
}
