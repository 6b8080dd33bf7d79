//! Video-provider adapters behind `liveclass_domain::video::VideoProvider`.
//!
//! - [`JitsiVideoProvider`]: the default. Needs no credentials and makes no
//!   network calls: a Jitsi room exists as soon as someone opens its URL, so
//!   the room is the class's unguessable `room-<uuid>` name on a Jitsi domain.
//!   With an app id and secret it signs a JWT per user.
//! - [`DailyVideoProvider`]: Daily.co rooms and meeting tokens over REST.
//! - [`ZoomVideoProvider`]: Zoom meetings with server-to-server OAuth.
//! - [`NoVideoProvider`]: the seed-000 behaviour, for deployments that bring
//!   their own media: the room id is all there is.
//!
//! - [`WebhookPayloads`]: what Daily's and Zoom's webhook bodies mean, for
//!   the domain's provider-event worker.
//!
//! The REST adapters share [`HttpOptions`]: per-attempt timeouts, and retries
//! with exponential backoff and jitter on 429, 5xx and transport failures,
//! honouring `Retry-After`. Credentials are [`Secret`]s and never printed.

mod client;
mod daily;
mod jitsi;
mod none;
mod secret;
mod webhook_payloads;
mod zoom;

pub use client::{HttpOptions, install_crypto_provider};
pub use daily::{DailyConfig, DailyVideoProvider};
pub use jitsi::{JitsiTokenAuth, JitsiVideoProvider};
pub use none::NoVideoProvider;
pub use secret::Secret;
pub use webhook_payloads::WebhookPayloads;
pub use zoom::{ZoomConfig, ZoomVideoProvider};
