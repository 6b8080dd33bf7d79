use liveclass_domain::class::{
    LiveClass, ParticipantRole, ParticipantsView, Participation, capacity_used_percent,
};
use liveclass_domain::controls::ParticipantControls;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `teacher` (the creator) or `participant`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleDto {
    Teacher,
    Participant,
}

impl From<ParticipantRole> for RoleDto {
    fn from(r: ParticipantRole) -> Self {
        match r {
            ParticipantRole::Teacher => Self::Teacher,
            ParticipantRole::Participant => Self::Participant,
        }
    }
}

/// One stay of a user in a class; a rejoin is a new stay.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub user_id: String,
    /// The display name from the caller's token, when it had one.
    #[schema(required = true)]
    pub user_name: Option<String>,
    pub role: RoleDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    /// `null` while the user is in the class.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub left_at: Option<OffsetDateTime>,
}

impl From<Participation> for ParticipantResponse {
    fn from(p: Participation) -> Self {
        Self {
            id: p.id.to_string(),
            user_id: p.user_id.to_string(),
            user_name: p.user_name,
            role: p.role.into(),
            joined_at: p.joined_at,
            left_at: p.left_at,
        }
    }
}

/// The answer to a join.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinResponse {
    /// The participation's id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    pub role: RoleDto,
    #[schema(example = "room-789f0123-e89b-12d3-a456-426614174000")]
    pub room_id: String,
    /// Where to enter the video room.
    pub join_url: String,
    /// A per-user token for the room, for providers that use them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub token_expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    /// True when the caller was already in the class: the existing stay is
    /// returned and no seat is taken.
    pub already_joined: bool,
    #[schema(example = "Joined live class successfully")]
    pub message: &'static str,
}

/// The answer to a leave.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeaveResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = String, format = DateTime)]
    pub left_at: Option<OffsetDateTime>,
    #[schema(example = "Left live class successfully")]
    pub message: &'static str,
}

impl From<Participation> for LeaveResponse {
    fn from(p: Participation) -> Self {
        Self {
            id: p.id.to_string(),
            live_class_id: p.class_id.to_string(),
            user_id: p.user_id.to_string(),
            joined_at: p.joined_at,
            left_at: p.left_at,
            message: "Left live class successfully",
        }
    }
}

/// Someone in the class right now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActiveParticipant {
    pub user_id: String,
    /// The display name from the caller's token, when it had one.
    #[schema(required = true)]
    pub user_name: Option<String>,
    pub role: RoleDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    /// Whether a moderator allows the participant's microphone.
    pub mic_allowed: bool,
    /// Whether a moderator allows the participant's camera.
    pub camera_allowed: bool,
    pub hand_raised: bool,
    /// When the hand was raised; `null` while it is down.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub hand_raised_at: Option<OffsetDateTime>,
    /// Whether the provider reports the participant sharing their screen.
    pub screen_sharing: bool,
}

/// Who is in the class, and how full it is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantsResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    #[schema(example = 42)]
    pub active_count: u32,
    #[schema(example = 150, minimum = 1)]
    pub max_capacity: u32,
    pub is_full: bool,
    /// `activeCount / maxCapacity` as a whole percentage.
    #[schema(example = "28%", pattern = "^[0-9]+%$")]
    pub capacity_used: String,
    pub participants: Vec<ActiveParticipant>,
}

impl From<ParticipantsView> for ParticipantsResponse {
    fn from(view: ParticipantsView) -> Self {
        let LiveClass {
            id,
            max_participants,
            ..
        } = view.class;
        // Counted from the list itself, so the numbers match what is shown.
        let active = u32::try_from(view.active.len()).unwrap_or(u32::MAX);
        Self {
            live_class_id: id.to_string(),
            active_count: active,
            max_capacity: max_participants.get(),
            is_full: active >= max_participants.get(),
            capacity_used: format!("{}%", capacity_used_percent(active, max_participants)),
            participants: view
                .active
                .into_iter()
                .zip(
                    view.controls
                        .into_iter()
                        .chain(std::iter::repeat(ParticipantControls::default())),
                )
                .map(|(p, c)| ActiveParticipant {
                    user_id: p.user_id.to_string(),
                    user_name: p.user_name,
                    role: p.role.into(),
                    joined_at: p.joined_at,
                    mic_allowed: c.mic_allowed,
                    camera_allowed: c.camera_allowed,
                    hand_raised: c.hand_raised(),
                    hand_raised_at: c.hand_raised_at,
                    screen_sharing: c.screen_sharing,
                })
                .collect(),
        }
    }
}
