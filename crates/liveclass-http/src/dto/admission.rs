//! Bodies of requests to join, the waitlist and removals (issue 12).

use liveclass_domain::admission::{
    Decision, JoinRequest, ProviderEject, Removal, RequestId, RequestStatus, WaitStatus,
    WaitlistEntry,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::{JoinResponse, ParticipantResponse};
use crate::error::{ApiError, ErrorBody, ErrorCode};

/// Where a request to join stands; only `approved` admits.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = JoinRequestStatus)]
pub enum JoinRequestStatusDto {
    Pending,
    Approved,
    Rejected,
}

impl From<RequestStatus> for JoinRequestStatusDto {
    fn from(s: RequestStatus) -> Self {
        match s {
            RequestStatus::Pending => Self::Pending,
            RequestStatus::Approved => Self::Approved,
            RequestStatus::Rejected => Self::Rejected,
        }
    }
}

impl From<JoinRequestStatusDto> for RequestStatus {
    fn from(s: JoinRequestStatusDto) -> Self {
        match s {
            JoinRequestStatusDto::Pending => Self::Pending,
            JoinRequestStatusDto::Approved => Self::Approved,
            JoinRequestStatusDto::Rejected => Self::Rejected,
        }
    }
}

/// A user's request to join an `approval` class.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequestResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    /// The display name from the caller's token, when it had one.
    #[schema(required = true)]
    pub user_name: Option<String>,
    pub status: JoinRequestStatusDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: OffsetDateTime,
    /// When a moderator last decided; `null` while pending.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub decided_at: Option<OffsetDateTime>,
    /// Who decided last; `null` while pending.
    #[schema(required = true)]
    pub decided_by: Option<String>,
}

impl From<JoinRequest> for JoinRequestResponse {
    fn from(r: JoinRequest) -> Self {
        Self {
            id: r.id.to_string(),
            live_class_id: r.class_id.to_string(),
            user_id: r.user_id.as_str().to_owned(),
            user_name: r.user_name,
            status: r.status.into(),
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            decided_by: r.decided_by.map(|u| u.as_str().to_owned()),
        }
    }
}

/// `GET /live-classes/{liveClassId}/requests` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRequestsQuery {
    /// Only requests with this status.
    #[param(value_type = Option<JoinRequestStatusDto>)]
    pub status: Option<JoinRequestStatusDto>,
}

/// The class's requests, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequestList {
    pub requests: Vec<JoinRequestResponse>,
}

/// What a moderator decides.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = JoinDecision)]
pub enum DecisionDto {
    /// Let them in.
    Approve,
    /// Keep them out; rejecting an approved request withdraws the approval
    /// and removes the user from the class if they are in it.
    Reject,
}

impl From<DecisionDto> for Decision {
    fn from(d: DecisionDto) -> Self {
        match d {
            DecisionDto::Approve => Self::Approve,
            DecisionDto::Reject => Self::Reject,
        }
    }
}

/// `POST /live-classes/{liveClassId}/requests/decide`: one decision for many
/// requests.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequestsBody {
    pub decision: DecisionDto,
    /// 1 to 500 request ids; each is decided on its own.
    #[schema(min_items = 1, max_items = 500, value_type = Vec<uuid::Uuid>)]
    pub request_ids: Vec<String>,
}

impl DecideRequestsBody {
    /// The ids, parsed.
    ///
    /// # Errors
    /// None or more than 500 ids, or one that is not a UUID
    /// (`validation_failed`).
    pub fn request_ids(&self) -> Result<Vec<RequestId>, ApiError> {
        if self.request_ids.is_empty() || self.request_ids.len() > 500 {
            return Err(ApiError::new(
                ErrorCode::ValidationFailed,
                "requestIds: must hold 1 to 500 ids",
            ));
        }
        self.request_ids
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                uuid::Uuid::try_parse(raw)
                    .map(RequestId::from_uuid)
                    .map_err(|_| {
                        ApiError::new(
                            ErrorCode::ValidationFailed,
                            format!("requestIds[{i}]: must be a UUID"),
                        )
                    })
            })
            .collect()
    }
}

/// One request's outcome in a bulk decision: `request` when it was decided,
/// `error` (the error shape of the API) when not.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionResult {
    #[schema(format = Uuid)]
    pub request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<JoinRequestResponse>,
    /// The stay a withdrawn approval ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_participation: Option<ParticipantResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The outcome of a bulk decision, in the order of `requestIds`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionResults {
    pub results: Vec<DecisionResult>,
}

/// A decided request, and the stay a withdrawn approval ended.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecidedRequest {
    pub request: JoinRequestResponse,
    /// The stay a withdrawn approval ended (the user was in the class);
    /// `null` otherwise.
    #[schema(required = true)]
    pub removed_participation: Option<ParticipantResponse>,
}

/// What became of a removed user at the video provider; the removal stands
/// whatever this says. `ejected`: the provider took them out of the meeting
/// and keeps them from rejoining it (Daily). `not_supported`: the provider
/// cannot eject one user (Zoom, Jitsi, none). `failed`: the provider was
/// asked and failed; they may still be in the meeting. `not_needed`: the
/// class is not live, they were not in it, or the provider no longer has
/// the room.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ProviderEject)]
pub enum ProviderEjectDto {
    /// The provider took the user out of the meeting and keeps them from
    /// rejoining it (Daily).
    Ejected,
    /// The class's provider cannot eject one user (Zoom, Jitsi, none):
    /// someone still in the meeting stays until a moderator removes them
    /// there or the meeting ends.
    NotSupported,
    /// The provider was asked and failed (logged): the user may still be in
    /// the meeting.
    Failed,
    /// Nobody to eject: the class is not live, the user was not in it, or
    /// the provider no longer has the room.
    NotNeeded,
}

impl From<ProviderEject> for ProviderEjectDto {
    fn from(e: ProviderEject) -> Self {
        match e {
            ProviderEject::Ejected => Self::Ejected,
            ProviderEject::NotSupported => Self::NotSupported,
            ProviderEject::Failed => Self::Failed,
            ProviderEject::NotNeeded => Self::NotNeeded,
        }
    }
}

/// The answer to a removal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemovalResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    /// Whether the user was in the class (their stay ended with reason
    /// `removed`); a removal of someone absent still bans them.
    pub was_present: bool,
    /// The stay the removal ended; `null` when the user was absent.
    #[schema(required = true)]
    pub participation: Option<ParticipantResponse>,
    /// Whether the video provider was asked to eject the user from the
    /// running meeting, and how that went; asked after the removal is
    /// stored, so a provider failure never fails the removal.
    pub provider_eject: ProviderEjectDto,
}

impl RemovalResponse {
    pub fn new(class: &str, user: &str, removal: Removal) -> Self {
        Self {
            live_class_id: class.to_owned(),
            user_id: user.to_owned(),
            was_present: removal.ended.is_some(),
            participation: removal.ended.map(Into::into),
            provider_eject: removal.provider_eject.into(),
        }
    }
}

/// Where a waitlist entry stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = WaitlistStatus)]
pub enum WaitStatusDto {
    /// In line.
    Waiting,
    /// Took a freed seat: the user is in the class.
    Admitted,
    /// The user left the line.
    Left,
    /// The user was removed from the class or their approval withdrawn.
    Removed,
    /// The class ended or was cancelled.
    Closed,
}

impl From<WaitStatus> for WaitStatusDto {
    fn from(s: WaitStatus) -> Self {
        match s {
            WaitStatus::Waiting => Self::Waiting,
            WaitStatus::Admitted => Self::Admitted,
            WaitStatus::Left => Self::Left,
            WaitStatus::Removed => Self::Removed,
            WaitStatus::Closed => Self::Closed,
        }
    }
}

/// A place in a class's waitlist.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntryResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    /// The display name from the caller's token, when it had one.
    #[schema(required = true)]
    pub user_name: Option<String>,
    pub status: WaitStatusDto,
    /// 1 for the first in line; `null` unless `waiting`.
    #[schema(minimum = 1, required = true)]
    pub position: Option<u64>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub entered_at: OffsetDateTime,
    /// When the entry stopped waiting; `null` while waiting.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub resolved_at: Option<OffsetDateTime>,
    /// The participation the freed seat gave (`admitted`); `null` otherwise.
    #[schema(format = Uuid, required = true)]
    pub participation_id: Option<String>,
}

impl From<WaitlistEntry> for WaitlistEntryResponse {
    fn from(e: WaitlistEntry) -> Self {
        Self {
            id: e.id.to_string(),
            live_class_id: e.class_id.to_string(),
            user_id: e.user_id.as_str().to_owned(),
            user_name: e.user_name,
            status: e.status.into(),
            position: e.position,
            entered_at: e.entered_at,
            resolved_at: e.resolved_at,
            participation_id: e.participation_id.map(|p| p.to_string()),
        }
    }
}

/// The class's line, first in line first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistResponse {
    pub entries: Vec<WaitlistEntryResponse>,
}

/// `202` of `POST /live-classes/{liveClassId}/waitlist`: the class is full
/// and the caller is in line.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitingResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    pub status: WaitStatusDto,
    /// 1 for the first in line.
    #[schema(minimum = 1)]
    pub position: u64,
    /// The class's capacity.
    pub max_participants: u32,
    #[schema(example = "The class is full: you are in its waitlist")]
    pub message: &'static str,
}

/// `GET /live-classes/{liveClassId}/waitlist/me`: the caller's latest entry
/// and, once a freed seat admitted them and they are still in the class,
/// the same answer a join gets.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyWaitlistResponse {
    pub entry: WaitlistEntryResponse,
    /// While the caller is in the class, the answer a join gives; `null`
    /// otherwise.
    #[schema(required = true)]
    pub join: Option<JoinResponse>,
}
