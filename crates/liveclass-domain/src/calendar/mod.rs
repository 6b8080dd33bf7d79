//! Calendar feeds (seed 001's iCal): which classes a feed shows, and the
//! revocable per-user tokens that open feeds to calendar apps, which cannot
//! send bearer headers. Rendering to iCalendar is the HTTP layer's job.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;

pub use errors::CalendarFeedError;
pub use model::{CalendarToken, CalendarTokenHash, FEED_HISTORY, FEED_MAX_CLASSES, TokenOwner};
pub use ports::CalendarTokenRepository;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockCalendarTokenRepository;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockCalendars;
pub use service::{CalendarService, Calendars};

#[cfg(test)]
mod tests;
