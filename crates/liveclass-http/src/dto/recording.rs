//! Bodies of the recordings (`/live-classes/{id}/recordings`, `/recordings`).

use liveclass_domain::ids::UserId;
use liveclass_domain::recording::SetAccess;
use liveclass_domain::recording::{Access, AccessLevel, Grant, Recording, Visibility};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// A recording's status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordingStatusDto {
    Starting,
    Recording,
    Processing,
    Ready,
    Failed,
    Deleted,
}

impl From<liveclass_domain::recording::RecordingStatus> for RecordingStatusDto {
    fn from(s: liveclass_domain::recording::RecordingStatus) -> Self {
        use liveclass_domain::recording::RecordingStatus as S;
        match s {
            S::Starting => Self::Starting,
            S::Recording => Self::Recording,
            S::Processing => Self::Processing,
            S::Ready => Self::Ready,
            S::Failed => Self::Failed,
            S::Deleted => Self::Deleted,
        }
    }
}

/// Who may watch a recording besides its class's creator and organisation
/// admins: `private` (nobody else), `participants` (those admitted to the
/// class), `tenant` (everyone in the tenant), `public` (anyone with a link).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityDto {
    Private,
    Participants,
    Tenant,
    Public,
}

impl From<Visibility> for VisibilityDto {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::Private => Self::Private,
            Visibility::Participants => Self::Participants,
            Visibility::Tenant => Self::Tenant,
            Visibility::Public => Self::Public,
        }
    }
}

impl From<VisibilityDto> for Visibility {
    fn from(v: VisibilityDto) -> Self {
        match v {
            VisibilityDto::Private => Self::Private,
            VisibilityDto::Participants => Self::Participants,
            VisibilityDto::Tenant => Self::Tenant,
            VisibilityDto::Public => Self::Public,
        }
    }
}

/// What a grant allows: `view` (watch) or `download` (watch and download).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevelDto {
    View,
    Download,
}

impl From<AccessLevel> for AccessLevelDto {
    fn from(l: AccessLevel) -> Self {
        match l {
            AccessLevel::View => Self::View,
            AccessLevel::Download => Self::Download,
        }
    }
}

impl From<AccessLevelDto> for AccessLevel {
    fn from(l: AccessLevelDto) -> Self {
        match l {
            AccessLevelDto::View => Self::View,
            AccessLevelDto::Download => Self::Download,
        }
    }
}

/// Access for one named user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrantDto {
    /// The user (as their tokens' `sub`).
    #[schema(example = "student-42", min_length = 1, max_length = 128)]
    pub user_id: String,
    pub level: AccessLevelDto,
    /// When the grant lapses (RFC 3339, in the future); absent: never.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
}

/// `PUT /recordings/{recordingId}/access`: the whole access, replacing the
/// current one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordingAccessBody {
    pub visibility: VisibilityDto,
    /// At most 100, one per user. Absent: none.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub grants: Vec<GrantDto>,
}

impl TryFrom<RecordingAccessBody> for SetAccess {
    type Error = ApiError;

    fn try_from(body: RecordingAccessBody) -> Result<Self, ApiError> {
        Ok(Self {
            visibility: body.visibility.into(),
            grants: body
                .grants
                .into_iter()
                .map(|g| {
                    Ok(Grant {
                        user_id: UserId::parse(&g.user_id)?,
                        level: g.level.into(),
                        expires_at: g.expires_at,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        })
    }
}

/// A recording of a class, with what the caller may do with it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingItem {
    /// The id (an `external` recording has its class's id).
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// `daily`, `zoom`, …, or `external`: the class's seed-000 `recordingUrl`.
    #[schema(example = "daily")]
    pub provider: String,
    pub status: RecordingStatusDto,
    pub visibility: VisibilityDto,
    /// Who started it (absent for external ones).
    #[schema(required = true)]
    pub started_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub stopped_at: Option<OffsetDateTime>,
    /// Seconds, once stopped.
    #[schema(required = true, minimum = 0)]
    pub duration: Option<u64>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The URL of an `external` recording (the class's `recordingUrl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_url: Option<String>,
    /// A short-lived link (5 minutes) to watch it, for the caller only:
    /// following it redirects to a link the provider issues at that moment.
    /// On `GET /recordings/{recordingId}` for a `ready` recording (or an
    /// `external` one) the caller may watch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_link: Option<AccessLinkDto>,
    /// The same, to download it, for callers who may download.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_link: Option<String>,
    /// The caller may watch it.
    pub can_access: bool,
    /// The caller may download it.
    pub can_download: bool,
    /// The grants, shown to those who may change them (the class's creator
    /// and organisation admins) only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<GrantDto>>,
    /// Its files, as the provider reported them when it became ready (Zoom
    /// lists them; Daily does not). Empty for a caller who may not watch it.
    pub files: Vec<RecordingFileDto>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// One file of a recording.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingFileDto {
    /// The provider's id of the file.
    pub id: String,
    /// `video`, `audio`, `transcript`, `chat` or `other`.
    #[schema(example = "video")]
    pub kind: &'static str,
    /// The provider's own kind, such as Zoom's `shared_screen_with_speaker_view`.
    #[schema(required = true)]
    pub recording_type: Option<String>,
    /// `mp4`, `m4a`, `vtt`, …
    #[schema(required = true)]
    pub format: Option<String>,
    #[schema(required = true, minimum = 0)]
    pub size_bytes: Option<u64>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub ended_at: Option<OffsetDateTime>,
}

impl From<liveclass_domain::recording::RecordingFile> for RecordingFileDto {
    fn from(f: liveclass_domain::recording::RecordingFile) -> Self {
        Self {
            id: f.provider_file_id,
            kind: f.kind.as_str(),
            recording_type: f.recording_type,
            format: f.format,
            size_bytes: f.size_bytes,
            started_at: f.started_at,
            ended_at: f.ended_at,
        }
    }
}

impl RecordingItem {
    /// The recording as `caller` may see it.
    pub fn new(r: Recording, access: Access) -> Self {
        let files = if access.can_access {
            r.files.into_iter().map(Into::into).collect()
        } else {
            Vec::new()
        };
        Self {
            files,
            id: r.id.to_string(),
            live_class_id: r.class_id.to_string(),
            provider: r.provider,
            status: r.status.into(),
            visibility: r.visibility.into(),
            started_by: r.started_by.map(|u| u.as_str().to_owned()),
            started_at: r.started_at,
            stopped_at: r.stopped_at,
            duration: r.duration_seconds,
            failure: r.failure,
            recording_url: r.external_url.filter(|_| access.can_access),
            access_link: None,
            download_link: None,
            can_access: access.can_access,
            can_download: access.can_download,
            grants: access.can_manage.then(|| {
                r.grants
                    .into_iter()
                    .map(|g| GrantDto {
                        user_id: g.user_id.as_str().to_owned(),
                        level: g.level.into(),
                        expires_at: g.expires_at,
                    })
                    .collect()
            }),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// `GET /live-classes/{liveClassId}/recordings`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordingListResponse {
    /// Oldest first; the `external` one (if any) first of all.
    pub recordings: Vec<RecordingItem>,
}

/// A link LiveClass signed for one caller, and when it stops working.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessLinkDto {
    #[schema(example = "https://liveclass.example/recordings/0b6f…/file?token=lcrl_…")]
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

/// `GET /recordings/{recordingId}/file?token=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordingFileQuery {
    /// The link token (`lcrl_…`) from `accessLink` or `downloadLink`.
    #[param(min_length = 1, max_length = 4096)]
    pub token: String,
}
