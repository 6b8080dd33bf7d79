//! The HTTP tests' application: `liveclass_http::app` over services a test
//! chooses, every other service a mock that fails the test if it is called.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use liveclass_domain::Services;
use liveclass_domain::actual_times::MockActualTimes;
use liveclass_domain::auto_end::{AutoEndPolicy, AutoEndService, MockAutoEndRepository};
use liveclass_domain::calendar::MockCalendars;
use liveclass_domain::class::MockLiveClasses;
use liveclass_domain::class::ports::MockClassRepository;
use liveclass_domain::clock::FixedClock;
use liveclass_domain::events::{
    EventLogJobs, EventLogPolicy, MockClassEventRepository, MockClassEvents, NoWakeups,
};
use liveclass_domain::idempotency::MockIdempotency;
use liveclass_domain::join_link::MockJoinLinks;
use liveclass_domain::schedule::MockSchedules;
use liveclass_http::ical::FeedSettings;
use liveclass_http::{AppState, JwtConfig, JwtKey, JwtVerifier};
use time::macros::datetime;

pub const SECRET: &[u8] = b"an-http-test-secret-of-at-least-32-bytes";
/// Signs personal join links in feeds.
pub const LINK_SECRET: &[u8] = b"an-http-test-join-link-secret-32-bytes";

/// The clock of every test app: 2030-01-01 10:00 UTC.
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(datetime!(2030-01-01 10:00 UTC)))
}

/// HS256 with [`SECRET`], no issuer or audience.
pub fn hs256() -> JwtConfig {
    JwtConfig {
        key: JwtKey::Hs256Secret(SECRET.to_vec()),
        issuer: None,
        audience: None,
        leeway_seconds: liveclass_http::auth::DEFAULT_LEEWAY_SECONDS,
        claims: liveclass_http::ClaimMapping::default(),
    }
}

/// Every service a mock with no expectations: replace the ones a test uses.
pub fn mocked_services() -> Services {
    Services {
        live_classes: Arc::new(MockLiveClasses::new()),
        schedules: Arc::new(MockSchedules::new()),
        join_links: Arc::new(MockJoinLinks::new()),
        actual_times: Arc::new(MockActualTimes::new()),
        calendars: Arc::new(MockCalendars::new()),
        idempotency: Arc::new(MockIdempotency::new()),
        auto_end: Arc::new(AutoEndService::new(
            Arc::new(MockAutoEndRepository::new()),
            Arc::new(MockClassRepository::new()),
            clock(),
            AutoEndPolicy::default(),
        )),
        cleanups: None,
        class_events: Arc::new(MockClassEvents::new()),
        event_log: Arc::new(EventLogJobs::new(
            Arc::new(MockClassEventRepository::new()),
            Arc::new(NoWakeups),
            clock(),
            EventLogPolicy::default(),
        )),
        webhooks: Arc::new(liveclass_domain::webhooks::service::MockWebhookEndpoints::new()),
        recordings: Arc::new(liveclass_domain::recording::MockRecordings::new()),
        interactions: Arc::new(liveclass_domain::interaction::MockInteractions::new()),
        polls: Arc::new(liveclass_domain::interaction::MockPolls::new()),
        reactions: Arc::new(liveclass_domain::interaction::MockReactions::new()),
        resources: Arc::new(liveclass_domain::interaction::MockResources::new()),
        unread: Arc::new({
            let mut unread = liveclass_domain::interaction::MockUnread::new();
            unread
                .expect_unread_counts()
                .returning(|_, _| Ok(std::collections::HashMap::new()));
            unread
        }),
        rosters: Arc::new(liveclass_domain::roster::MockRosters::new()),
        admissions: Arc::new(liveclass_domain::admission::MockAdmissions::new()),
        controls: Arc::new(liveclass_domain::controls::MockControls::new()),
        provider_accounts: Arc::new(
            liveclass_domain::provider_accounts::MockProviderAccounts::new(),
        ),
        provider_events: Arc::new(liveclass_domain::provider_events::MockProviderEvents::new()),
        attendance: Arc::new(liveclass_domain::attendance::MockAttendances::new()),
        attendance_reconciler: Arc::new(liveclass_domain::attendance::AttendanceReconciler::new(
            liveclass_domain::attendance::AttendanceStores {
                classes: Arc::new(MockClassRepository::new()),
                participations: Arc::new(
                    liveclass_domain::class::ports::MockParticipationRepository::new(),
                ),
                sessions: Arc::new(
                    liveclass_domain::provider_events::MockProviderEventRepository::new(),
                ),
                rosters: Arc::new(liveclass_domain::roster::MockRosterRepository::new()),
                admissions: Arc::new(liveclass_domain::admission::MockAdmissionRepository::new()),
                attendance: Arc::new(liveclass_domain::attendance::MockAttendanceRepository::new()),
            },
            Arc::new(liveclass_domain::video::MockVideoProvider::new()),
            Arc::new(liveclass_domain::provider_events::MockProviderPayloads::new()),
            clock(),
            Default::default(),
        )),
        provider_event_jobs: Arc::new(liveclass_domain::provider_events::ProviderEventJobs::new(
            Arc::new(liveclass_domain::provider_events::MockProviderEventRepository::new()),
            liveclass_domain::provider_events::ProviderEventStores {
                classes: Arc::new(MockClassRepository::new()),
                participations: Arc::new(
                    liveclass_domain::class::ports::MockParticipationRepository::new(),
                ),
                controls: Arc::new(liveclass_domain::controls::MockControlsRepository::new()),
                recordings: Arc::new(liveclass_domain::recording::MockRecordingRepository::new()),
            },
            Arc::new(liveclass_domain::provider_events::MockProviderPayloads::new()),
            clock(),
            Arc::new(liveclass_domain::ids::SequentialIds::default()),
            liveclass_domain::provider_events::ProviderEventPolicy::default(),
        )),
        webhook_deliveries: Arc::new(liveclass_domain::webhooks::WebhookDeliveryJobs::new(
            Arc::new(liveclass_domain::webhooks::MockWebhookRepository::new()),
            Arc::new(liveclass_domain::webhooks::MockSecretBox::new()),
            Arc::new(liveclass_domain::webhooks::MockWebhookSender::new()),
            clock(),
            Arc::new(liveclass_domain::ids::SequentialIds::default()),
            liveclass_domain::webhooks::WebhookPolicy::default(),
        )),
    }
}

/// The state the app is built with.
pub fn state(services: Services, jwt: &JwtConfig) -> AppState {
    AppState {
        services,
        verifier: Arc::new(JwtVerifier::new(jwt).unwrap()),
        feeds: FeedSettings {
            public_url: "https://lc.example".into(),
            links: Some(liveclass_http::ical::LinkSigner::new(LINK_SECRET)),
        },
        streams: Arc::new(liveclass_http::EventHub::new()),
        stream_tokens: liveclass_http::StreamTokens::new(b"http-test-stream-key"),
        stream_settings: liveclass_http::StreamSettings::default(),
        limits: Arc::new(liveclass_http::rate_limit::RateLimiter::disabled()),
        metrics: liveclass_http::metrics::Metrics::default(),
        cors: liveclass_http::cors::Cors::disabled(),
        provider_webhooks: liveclass_http::provider_signature::ProviderWebhookSecrets::default(),
    }
}
