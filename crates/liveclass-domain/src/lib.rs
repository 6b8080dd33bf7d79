//! LiveClass domain: the rules of live classes, free of any framework.
//!
//! Every capability has the same shape, `<capability>/{model, ports,
//! service, errors}.rs` plus its tests, with only the files it needs:
//! `model` holds entities and value types, `ports` the traits adapters
//! implement, `service` the use cases (a trait the adapters call, and its
//! implementation), `errors` one error enum per use case.
//!
//! - [`class`]: the `LiveClass` and `Participation` entities, their lifecycle
//!   and capacity rules, the repository ports and the [`LiveClasses`] service.
//! - [`admission`]: who gets in and who stays: requests to join
//!   `approval` classes, the waitlist of full classes, removal as a ban.
//! - [`attendance`]: who was in a class and for how long (LiveClass's stays
//!   and the provider's sessions merged), and how that counts.
//! - [`schedule`]: recurring schedules and the classes they generate, with
//!   the time-zone and DST rules of their expansion.
//! - [`join_link`]: `/join/{hash}` links: countdown, teacher start, join.
//! - [`actual_times`]: start and end times recorded by staff.
//! - [`calendar`]: calendar feed tokens and which classes a feed shows.
//! - [`auto_end`]: the background job that ends overdue live classes.
//! - [`cleanup`]: provider clean-ups (delete a room, end a meeting) that
//!   failed, stored and retried later so they never block a class's state.
//! - [`events`]: the class event log (appended by every change, numbered
//!   per class by the sequencer, read by streams, replays and webhooks).
//! - [`interaction`]: in-class interaction: the class's chat (who may
//!   post and read it, moderators), delivered through the event log.
//! - [`webhooks`]: signed webhooks to the platform: endpoints and the
//!   outbox of deliveries (Standard Webhooks).
//! - [`recording`]: recordings as a resource: start, stop, access rules,
//!   deletion (here and at the provider).
//! - [`provider_accounts`]: a tenant's own video-provider accounts (Zoom,
//!   Daily, Jitsi credentials, sealed at rest), managed by organisation admins.
//! - [`provider_events`]: webhooks the video providers send, stored first
//!   and handled by a worker that maps them onto classes (meeting start and
//!   end, provider sessions, screen sharing).
//! - [`video`]: the `VideoProvider` port and its provider-neutral types.
//! - [`store`]: [`store::RepoError`], the storage error of every repository
//!   port, and [`store::Store`], all repository ports in one object.
//! - [`app`]: [`Ports`], [`Policies`] and [`Services`]: the whole domain
//!   built from its ports in one call.
//! - [`validation`]: [`ValidationError`] and the [`Field`] names it uses.
//! - [`instant`]: the supported range of instants and checked arithmetic.
//! - [`ids`], [`clock`], [`caller`]: identifiers, time and the authenticated
//!   caller, injected so every rule with time or identity in it is testable.
//!
//! Adapters (persistence, video, HTTP) depend on this crate; it depends on none
//! of them. With the `mocks` feature every port and every service trait has a
//! `mockall` mock. `examples/embed.rs` drives a class's life with in-memory
//! adapters of its own.

#![warn(missing_docs)]

pub mod actual_times;
pub mod admission;
pub mod app;
pub mod attendance;
pub mod auto_end;
pub mod calendar;
pub mod caller;
pub mod class;
pub mod cleanup;
pub mod clock;
pub mod controls;
pub mod events;
pub mod idempotency;
pub mod ids;
pub mod instant;
pub mod interaction;
pub mod join_link;
pub mod provider_accounts;
pub mod provider_events;
pub mod recording;
pub mod roster;
pub mod schedule;
pub mod store;
pub mod validation;
pub mod video;
pub mod webhooks;

pub use app::{Policies, Ports, Services};
pub use caller::{Caller, Role};
pub use class::{
    ClassDetails, ClassPage, ClassPolicy, ClassStatus, LiveClass, LiveClassService, LiveClasses,
    ParticipantRole, Participation,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{ClassId, IdGenerator, ParticipationId, RandomIds, RoomId, TenantId, UserId};
pub use store::{RepoError, Store};
pub use validation::{Field, ValidationError};
