//! Provider-neutral rooms, join requests and credentials.

use time::OffsetDateTime;

use crate::class::ParticipantRole;
use crate::ids::{ClassId, RoomId, RoomName, TenantId, UserId};

/// What the provider needs to know to make a room for a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSpec {
    /// The class.
    pub class_id: ClassId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The class's room id: its public identifier, shown to every member
    /// of the tenant. Never a provider's room name.
    pub room_id: RoomId,
    /// The name to give the room at the provider (Jitsi, Daily): unguessable,
    /// and seen only inside the join URLs of those admitted.
    pub room_name: RoomName,
    /// The title.
    pub title: String,
    /// The description, if any.
    pub description: Option<String>,
    /// When the class is planned to start.
    pub scheduled_at: OffsetDateTime,
    /// The most participants a class admits at once.
    pub max_participants: u32,
}

/// A provider's room, in provider-neutral terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// Which provider made it (`jitsi`, `none`, …).
    pub provider: String,
    /// The provider's own id for the room (a room name, a meeting id).
    pub external_id: String,
    /// Where participants join.
    pub join_url: String,
    /// Where the host joins with host rights, for providers that separate them.
    /// Shown to the class's creator only.
    pub host_url: Option<String>,
    /// The room's password, if any.
    pub password: Option<String>,
}

/// Who is joining, and with which rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    /// The user.
    pub user_id: UserId,
    /// The user's display name, if known.
    pub name: Option<String>,
    /// Teacher or participant.
    pub role: ParticipantRole,
    /// A co-host of the class: moderator rights where the provider has them
    /// (short of the host's).
    pub co_host: bool,
    /// Whether the participant may use their microphone; `false`: the room
    /// starts with it off, where the provider supports it.
    pub mic_allowed: bool,
    /// Whether the participant may use their camera; `false`: the room
    /// starts with it off, where the provider supports it.
    pub camera_allowed: bool,
}

/// What a client needs to enter the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCredentials {
    /// Where the client enters the room.
    pub url: String,
    /// A signed, per-user token, where the provider uses them.
    pub token: Option<String>,
    /// When it expires, if it does.
    pub expires_at: Option<OffsetDateTime>,
}

/// Which of the optional operations a provider really has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Capabilities {
    /// [`VideoProvider::end_meeting`](super::VideoProvider::end_meeting) ends the meeting for everyone.
    pub end_meeting: bool,
    /// [`VideoProvider::start_recording`](super::VideoProvider::start_recording) and [`VideoProvider::stop_recording`](super::VideoProvider::stop_recording).
    pub recording: bool,
    /// [`VideoProvider::recording_link`](super::VideoProvider::recording_link).
    pub recording_link: bool,
    /// [`VideoProvider::attendance`](super::VideoProvider::attendance).
    pub attendance: bool,
    /// [`VideoProvider::eject`](super::VideoProvider::eject) takes one user
    /// out of a running meeting.
    pub eject: bool,
}

/// A short-lived link to download a recording. Use it as given: it is
/// signed by the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingLink {
    /// Where to download the recording.
    pub url: String,
    /// When it expires, if it does.
    pub expires_at: Option<OffsetDateTime>,
}

/// One presence (a join to its leave) in a meeting, as the provider's own
/// participant report gives it after the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    /// The provider's key of this presence, stable across fetches: Daily's
    /// `participant_id` (its per-join session id, as its webhooks'
    /// `session_id`); for Zoom, `report:` then the participant's id and the
    /// join's Unix time (Zoom repeats a participant's id on every rejoin).
    pub key: String,
    /// The provider's copy of the LiveClass user key the join carried, if
    /// any (Daily's token `user_id`, Zoom's `customer_key`): the same hint
    /// as in webhooks, mapped to a user the same way.
    pub user_hint: Option<String>,
    /// The display name in the meeting, if known.
    pub name: Option<String>,
    /// When the presence began.
    pub joined_at: OffsetDateTime,
    /// When it ended.
    pub left_at: OffsetDateTime,
}
