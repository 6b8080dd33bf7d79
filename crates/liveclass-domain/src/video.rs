//! The video-provider port: where a class's participants actually meet.
//!
//! The domain mints the room's public name ([`RoomId`]); the provider makes
//! (or derives) the room behind it and hands out join credentials.
//!
//! The port has a small required core (create, update, delete, join
//! credentials) that every provider implements, and capability-gated extras
//! (end the meeting, recordings, attendance) whose default implementations
//! answer [`VideoError::Unsupported`]. [`VideoProvider::capabilities`] says
//! which extras a provider really has, so callers can skip the others.

use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::class::ParticipantRole;
use crate::ids::{ClassId, RoomId, TenantId, UserId};

/// What the provider needs to know to make a room for a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSpec {
    pub class_id: ClassId,
    pub tenant_id: TenantId,
    pub room_id: RoomId,
    pub title: String,
    pub description: Option<String>,
    pub scheduled_at: OffsetDateTime,
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
    pub password: Option<String>,
}

/// Who is joining, and with which rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub user_id: UserId,
    pub name: Option<String>,
    pub role: ParticipantRole,
}

/// What a client needs to enter the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCredentials {
    pub url: String,
    /// A signed, per-user token, where the provider uses them.
    pub token: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
}

/// Which of the optional operations a provider really has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Capabilities {
    /// [`VideoProvider::end_meeting`] ends the meeting for everyone.
    pub end_meeting: bool,
    /// [`VideoProvider::start_recording`] and [`VideoProvider::stop_recording`].
    pub recording: bool,
    /// [`VideoProvider::recording_link`].
    pub recording_link: bool,
    /// [`VideoProvider::attendance`].
    pub attendance: bool,
}

/// A short-lived link to download a recording. Use it as given: it is
/// signed by the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingLink {
    pub url: String,
    pub expires_at: Option<OffsetDateTime>,
}

/// One person's presence in a meeting, as the provider recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    /// Our user id where the provider kept it (tokens carry it), else `None`.
    pub user_id: Option<String>,
    pub name: Option<String>,
    pub joined_at: OffsetDateTime,
    pub duration: Duration,
}

/// Everything a provider call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("the video provider has no such room")]
    NotFound,
    #[error("the video provider refused our credentials")]
    Unauthorized,
    #[error("the video provider is rate limiting us")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the video provider refused the request: {0}")]
    Invalid(String),
    #[error("the video provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider does not have this operation (see [`Capabilities`]).
    #[error("the video provider does not support this operation")]
    Unsupported,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A video provider (Jitsi, Daily.co, Zoom, or none).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait VideoProvider: Send + Sync {
    /// The provider's name as stored with each room (`jitsi`, `none`, …).
    fn name(&self) -> &'static str;

    /// Which optional operations this provider has. Default: none.
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// Makes the room for a new class.
    ///
    /// # Errors
    /// `Unauthorized` when the provider refuses our credentials, `RateLimited`
    /// and `Unavailable` for transient failures, `Invalid` when the provider
    /// refuses the spec.
    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError>;

    /// Brings an existing room in line with the class's new title, time or
    /// capacity, and returns the room as it is now (a provider may hand out
    /// new URLs).
    ///
    /// # Errors
    /// `NotFound` when the room no longer exists; otherwise as `create_room`.
    async fn update_room(&self, room: &Room, spec: &RoomSpec) -> Result<Room, VideoError>;

    /// Removes a room. Deleting a room that is already gone succeeds.
    ///
    /// # Errors
    /// As for `create_room`, but never `NotFound`.
    async fn delete_room(&self, room: &Room) -> Result<(), VideoError>;

    /// Issues what `who` needs to enter `room`: teachers get host rights
    /// where the provider has them, participants never do.
    ///
    /// # Errors
    /// `NotFound` when the room no longer exists; otherwise as `create_room`.
    async fn join_credentials(
        &self,
        room: &Room,
        who: &JoinRequest,
    ) -> Result<JoinCredentials, VideoError>;

    /// Ends the meeting in `room` for everyone, where the provider can.
    /// Ending a meeting that is not running succeeds.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::end_meeting`]; otherwise as
    /// `delete_room`.
    async fn end_meeting(&self, _room: &Room) -> Result<(), VideoError> {
        Err(VideoError::Unsupported)
    }

    /// Starts recording the meeting in `room`.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::recording`]; `NotFound`; otherwise
    /// as `create_room`.
    async fn start_recording(&self, _room: &Room) -> Result<(), VideoError> {
        Err(VideoError::Unsupported)
    }

    /// Stops recording the meeting in `room`.
    ///
    /// # Errors
    /// As `start_recording`.
    async fn stop_recording(&self, _room: &Room) -> Result<(), VideoError> {
        Err(VideoError::Unsupported)
    }

    /// A download link for one of the room's recordings.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::recording_link`]; `NotFound` for
    /// an unknown recording; otherwise as `create_room`.
    async fn recording_link(
        &self,
        _room: &Room,
        _recording_id: &str,
    ) -> Result<RecordingLink, VideoError> {
        Err(VideoError::Unsupported)
    }

    /// Who was in the room's meetings, and for how long.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::attendance`]; otherwise as
    /// `create_room`.
    async fn attendance(&self, _room: &Room) -> Result<Vec<AttendanceRecord>, VideoError> {
        Err(VideoError::Unsupported)
    }
}
