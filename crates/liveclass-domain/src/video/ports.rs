//! The video-provider port.

use async_trait::async_trait;

use super::errors::VideoError;
use super::model::{
    AttendanceRecord, Capabilities, JoinCredentials, JoinRequest, RecordingLink, Room, RoomSpec,
};
use crate::ids::UserId;
use time::OffsetDateTime;

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

    /// Deletes one of the room's recordings at the provider. Deleting a
    /// recording that is already gone succeeds.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::recording`]; `Invalid` for an id
    /// the provider cannot have issued; otherwise as `delete_room`.
    async fn delete_recording(&self, _room: &Room, _recording_id: &str) -> Result<(), VideoError> {
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

    /// Every presence in the room's meetings that began within `window`
    /// (the class's actual start and end; the adapter widens it by a few
    /// minutes for the provider's clock), from the provider's own
    /// participant report.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::attendance`]; otherwise as
    /// `create_room` (`NotFound` when the provider has no such meeting).
    async fn attendance(
        &self,
        _room: &Room,
        _window: (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<AttendanceRecord>, VideoError> {
        Err(VideoError::Unsupported)
    }

    /// Takes `user` (our user id, as their join credentials carry it) out of
    /// the meeting running in `room`, and keeps them from coming back into
    /// it with credentials they still hold, where the provider can. A user
    /// who is not in the meeting is no error.
    ///
    /// # Errors
    /// `Unsupported` unless [`Capabilities::eject`]; `NotFound` when the room
    /// no longer exists; otherwise as `create_room`.
    async fn eject(&self, _room: &Room, _user: &UserId) -> Result<(), VideoError> {
        Err(VideoError::Unsupported)
    }
}
