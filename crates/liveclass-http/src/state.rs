//! The one application state: every service the handlers call, the token
//! verifier and the HTTP-only settings. [`crate::app`] registers it, so a
//! handler can never find a dependency missing at run time; leaving one out
//! of [`AppState`] does not compile.

use std::sync::Arc;

use liveclass_domain::Services;

use crate::auth::JwtVerifier;
use crate::cors::Cors;
use crate::ical::FeedSettings;
use crate::metrics::Metrics;
use crate::provider_signature::ProviderWebhookSecrets;
use crate::rate_limit::RateLimiter;
use crate::stream::{EventHub, StreamSettings, StreamTokens};

/// What every handler may use. Cheap to clone (all shared).
#[derive(Clone)]
pub struct AppState {
    /// Every use-case service, as trait objects (tests may mock any of them).
    pub services: Services,
    /// Verifies bearer tokens.
    pub verifier: Arc<JwtVerifier>,
    /// The public URL calendar feeds and their links are built on.
    pub feeds: FeedSettings,
    /// Wakes this process's open event streams (also the `EventWakeups`
    /// the sequencer and the PostgreSQL listener call).
    pub streams: Arc<EventHub>,
    /// Issues and checks stream tokens.
    pub stream_tokens: StreamTokens,
    /// Keep-alive, safety poll and retry hint of the streams.
    pub stream_settings: StreamSettings,
    /// The rate limits on writes and joins (per process).
    pub limits: Arc<RateLimiter>,
    /// The process's metrics registry (`GET /metrics`); register new
    /// metrics on it (see [`crate::metrics`]).
    pub metrics: Metrics,
    /// The origins browsers may call the API from (none by default).
    pub cors: Cors,
    /// The secrets incoming Daily and Zoom webhooks are verified with.
    pub provider_webhooks: ProviderWebhookSecrets,
}
