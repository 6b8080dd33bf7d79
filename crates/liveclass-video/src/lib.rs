//! Video-provider adapters behind `liveclass_domain::video::VideoProvider`.
//!
//! - [`JitsiVideoProvider`]: the default. Needs no credentials and makes no
//!   network calls: a Jitsi room exists as soon as someone opens its URL, so
//!   the room is the class's unguessable `room-<uuid>` name on a Jitsi domain.
//! - [`NoVideoProvider`]: the seed-000 behaviour, for deployments that bring
//!   their own media: the room id is all there is.

mod jitsi;
mod none;

pub use jitsi::JitsiVideoProvider;
pub use none::NoVideoProvider;
