//! Live class event streams for browsers (Server-Sent Events): the
//! in-process wake-up hub, the stream tokens a browser's `EventSource`
//! authenticates with, and the task that feeds one open stream.
//!
//! The events themselves are always read from the log (the table): a
//! wake-up only says "read again", so a lost or merged wake-up delays an
//! event, never loses it.

mod hub;
mod sse;
mod token;

pub use hub::{EventHub, Subscription};
pub use sse::{SseBody, StreamSettings, open_stream};
pub use token::{
    RECORDING_LINK_PREFIX, RECORDING_LINK_TTL, STREAM_TOKEN_PREFIX, STREAM_TOKEN_TTL, StreamTokens,
};
