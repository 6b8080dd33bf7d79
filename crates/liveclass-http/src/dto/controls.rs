//! Co-host and participant-control bodies.

use liveclass_domain::class::LiveClass;
use liveclass_domain::controls::{ControlsPatch, ParticipantState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// A class's host and co-hosts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoHostsResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// The host: the class's creator.
    pub host_id: String,
    /// The co-hosts, in the order they were named (at most 20).
    #[schema(example = json!(["assistant-1"]))]
    pub co_hosts: Vec<String>,
}

impl From<LiveClass> for CoHostsResponse {
    fn from(class: LiveClass) -> Self {
        Self {
            live_class_id: class.id.to_string(),
            host_id: class.created_by.to_string(),
            co_hosts: class.co_hosts.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A participant's controls.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantControlsResponse {
    /// The active participation.
    #[schema(format = Uuid)]
    pub participation_id: String,
    pub user_id: String,
    /// The display name from the user's token, when it had one.
    #[schema(required = true)]
    pub user_name: Option<String>,
    /// Whether the participant may use their microphone (their next join
    /// credentials start muted when not, where the provider supports it).
    pub mic_allowed: bool,
    /// Whether the participant may use their camera.
    pub camera_allowed: bool,
    pub hand_raised: bool,
    /// When the hand was raised; `null` while it is down.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub hand_raised_at: Option<OffsetDateTime>,
    /// Whether the provider reports the participant sharing their screen.
    pub screen_sharing: bool,
}

impl From<ParticipantState> for ParticipantControlsResponse {
    fn from(s: ParticipantState) -> Self {
        Self {
            participation_id: s.participation.id.to_string(),
            user_id: s.participation.user_id.to_string(),
            user_name: s.participation.user_name,
            mic_allowed: s.controls.mic_allowed,
            camera_allowed: s.controls.camera_allowed,
            hand_raised: s.controls.hand_raised(),
            hand_raised_at: s.controls.hand_raised_at,
            screen_sharing: s.controls.screen_sharing,
        }
    }
}

/// `PATCH /live-classes/{liveClassId}/participants/{userId}`: at least one
/// field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlsPatchBody {
    /// Allow (`true`) or forbid (`false`) the microphone.
    pub mic_allowed: Option<bool>,
    /// Allow or forbid the camera.
    pub camera_allowed: Option<bool>,
    /// `false` lowers the participant's hand; `true` is refused
    /// (participants raise their own hand).
    pub hand_raised: Option<bool>,
}

impl ControlsPatchBody {
    /// The domain's patch.
    ///
    /// # Errors
    /// 400 `validation_failed`: an empty patch or `handRaised: true`.
    pub fn patch(&self) -> Result<ControlsPatch, ApiError> {
        Ok(ControlsPatch::new(
            self.mic_allowed,
            self.camera_allowed,
            self.hand_raised,
        )?)
    }
}

/// `POST /live-classes/{liveClassId}/participants/mute-all`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MuteAllBody {
    /// Forbid the camera too (default `false`: the microphone only).
    #[serde(default)]
    pub camera: bool,
}

/// The participants "mute all" changed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MuteAllResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// How many participants changed.
    pub muted_count: u32,
    /// Each of them, as they are now.
    pub participants: Vec<ParticipantControlsResponse>,
}

/// The raised hands, in order of raising.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HandsResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub hands: Vec<ParticipantControlsResponse>,
}
