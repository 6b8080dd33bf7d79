//! The video-provider port: where a class's participants actually meet.
//!
//! The domain mints the room's public name ([`RoomId`]); the provider makes
//! (or derives) the room behind it and hands out join credentials.

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
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A video provider (Jitsi, Daily.co, Zoom, or none).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait VideoProvider: Send + Sync {
    /// The provider's name as stored with each room (`jitsi`, `none`, …).
    fn name(&self) -> &'static str;

    /// Makes the room for a new class.
    ///
    /// # Errors
    /// `Unauthorized` when the provider refuses our credentials, `RateLimited`
    /// and `Unavailable` for transient failures, `Invalid` when the provider
    /// refuses the spec.
    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError>;

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
}
