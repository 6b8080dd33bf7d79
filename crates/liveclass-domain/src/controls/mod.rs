//! Participant controls (issue 12): co-hosts, and per participation the
//! microphone and camera permissions, the raised hand and screen sharing.
//!
//! # Who may do what
//!
//! - **Co-hosts** are named and taken back by the class's host (its creator)
//!   or a tenant manager, while the class is scheduled or live. A co-host
//!   moderates ([`crate::class::is_moderator`]) but may not end or cancel
//!   the class nor name co-hosts. Anyone of the tenant sees them.
//! - **Moderators** set a participant's `micAllowed` / `cameraAllowed`,
//!   lower their hand, and "mute all" (every participant but the host and
//!   co-hosts).
//! - **A participant** raises and lowers their own hand.
//! - Every control changes only while the class is live and only for an
//!   active participation (checked inside the write); another tenant's class
//!   is 404 whoever asks.
//! - The controls flow into the next join credentials (see
//!   [`crate::video::JoinRequest`]): a muted participant's next token starts
//!   muted, where the provider supports it.

pub mod errors;
mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use errors::{CoHostError, ControlsError, HandsError};
pub use model::{
    ControlsChange, ControlsEffect, ControlsPatch, ParticipantControls, ParticipantState,
    mute_all_patch, muted_by_mute_all, raised_hands,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockControlsRepository;
pub use ports::{CoHostOutcome, ControlsOutcome, ControlsRepository, MuteAllOutcome};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockControls;
pub use service::{ControlService, Controls};
