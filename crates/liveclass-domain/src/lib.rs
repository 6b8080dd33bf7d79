//! LiveClass domain: the rules of live classes, free of any framework.
//!
//! - [`class`]: the `LiveClass` and `Participation` entities, their lifecycle
//!   and capacity rules, the repository ports and the use-case service.
//! - [`video`]: the `VideoProvider` port and its provider-neutral types.
//! - [`cleanup`]: provider clean-ups (delete a room, end a meeting) that
//!   failed, stored and retried later so they never block a class's state.
//! - [`ids`], [`clock`], [`caller`]: identifiers, time and the authenticated
//!   caller, injected so every rule with time or identity in it is testable.
//!
//! Adapters (persistence, video, HTTP) depend on this crate; it depends on none
//! of them. With the `mocks` feature every port has a `mockall` mock.

pub mod actual_times;
pub mod auto_end;
pub mod calendar;
pub mod caller;
pub mod class;
pub mod cleanup;
pub mod clock;
pub mod ids;
pub mod join_link;
pub mod schedule;
pub mod validation;
pub mod video;

pub use caller::{Caller, Role};
pub use class::{
    ClassDetails, ClassPage, ClassPolicy, ClassStatus, LiveClass, LiveClassService,
    ParticipantRole, Participation,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{ClassId, IdGenerator, ParticipationId, RandomIds, RoomId, TenantId, UserId};
pub use validation::ValidationError;
