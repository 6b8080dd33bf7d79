//! The class event log: every change of a class appends an event, in the
//! same transaction as the change, and live streams, replays and outgoing
//! webhooks all read it.
//!
//! # Order without serialising writers
//!
//! An event is appended *unnumbered* (no per-class `seq` yet), so writers
//! of one class (concurrent joins) never wait for each other. The sequencer
//! ([`EventLogJobs::sequence`], a worker in every server process) later
//! gives each class's committed events the next numbers, in the order they
//! were appended, one pass at a time: see
//! [`ClassEventRepository::sequence_pending`] for the contract and the
//! persistence crate for the argument. A reader asks for `seq > n` and so
//! never skips an event and never sees them out of order; the price is a
//! short delay (one sequencer pass, ~100 ms).
//!
//! Adding an event type: a variant of [`EventType`], a constructor on
//! [`NewEvent`] that builds its `data`, and a call of it inside the
//! repository write that makes the change.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;

pub use errors::ListEventsError;
pub use model::{
    AttendeeSummary, ClassEvent, EventId, EventPage, EventType, LeaveReason, NewEvent, Sequenced,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockClassEventRepository;
pub use ports::{ClassEventRepository, EventWakeups, NoWakeups};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockClassEvents;
pub use service::{ClassEventService, ClassEvents, EventLogJobs, EventLogPolicy};
