//! Webhooks the video providers send (Daily, Zoom): stored first, then
//! processed by a background worker that maps them onto classes.
//!
//! - `model`: the stored delivery ([`ProviderEvent`]), its status, and the
//!   provider-neutral meaning of a delivery ([`ProviderSignal`]).
//! - `ports`: the [`ProviderEventRepository`] (the inbox, provider
//!   sessions, the room → class lookup) and [`ProviderPayloads`], which
//!   decodes a provider's body into a signal (in `liveclass-video`).
//! - `service`: [`ProviderEvents`] (receive, list, reprocess) and the
//!   worker [`ProviderEventJobs`].

mod errors;
mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use errors::{ListProviderEventsError, ReprocessProviderEventError};
pub use model::{
    Applied, IncomingProviderEvent, MAX_LIST_LIMIT, ProviderEvent, ProviderEventPolicy,
    ProviderEventReport, ProviderEventStatus, ProviderSession, ProviderSignal, ReceiveOutcome,
    RoomRef, SessionRef,
};
pub use ports::{ProviderEventRepository, ProviderPayloads};
pub use service::{ProviderEventJobs, ProviderEventService, ProviderEventStores, ProviderEvents};

#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockProviderEventRepository, MockProviderPayloads};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockProviderEvents;
