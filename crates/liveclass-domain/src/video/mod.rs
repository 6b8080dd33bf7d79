//! The video-provider port: where a class's participants actually meet.
//!
//! The domain mints the room's public name ([`RoomId`](crate::ids::RoomId)); the provider makes
//! (or derives) the room behind it and hands out join credentials.
//!
//! The port has a small required core (create, update, delete, join
//! credentials) that every provider implements, and capability-gated extras
//! (end the meeting, recordings, attendance, ejecting a user) whose default implementations
//! answer [`VideoError::Unsupported`]. [`VideoProvider::capabilities`] says
//! which extras a provider really has, so callers can skip the others.

pub mod errors;
pub mod model;
pub mod ports;

pub use errors::VideoError;
pub use model::{
    AttendanceRecord, Capabilities, JoinCredentials, JoinRequest, RecordingLink, Room, RoomSpec,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockVideoProvider;
pub use ports::VideoProvider;
