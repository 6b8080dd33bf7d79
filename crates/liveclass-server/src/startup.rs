//! Builds the application from [`Settings`] and runs it.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use liveclass_domain::cleanup::{CleanupPolicy, CleanupQueue};
use liveclass_domain::clock::{Clock, SystemClock};
use liveclass_domain::ids::RandomIds;
use liveclass_domain::provider_events::ProviderEventPolicy;
use liveclass_domain::video::VideoProvider;
use liveclass_domain::{Policies, Ports, Services};
use liveclass_http::metrics::Metrics;
use liveclass_http::{AppState, EventHub, JwtVerifier, StreamSettings, StreamTokens};
use liveclass_persistence::{
    DbPool, DieselStore, EventListener, ListenerSignal, PoolOptions, connect, run_migrations,
};
use liveclass_video::{
    DailyVideoProvider, JitsiVideoProvider, NoVideoProvider, WebhookPayloads, ZoomVideoProvider,
};

use crate::settings::{BindAddress, Settings, VideoSettings};
use crate::supervisor::Supervisor;
use crate::workers;

/// How long in-flight requests and background passes get to finish after
/// SIGTERM.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Why the server could not start. Each variant keeps its cause as its
/// `source`; print the chain (`{:#}` of an `anyhow::Error`) to see it all.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Connect(#[from] liveclass_persistence::ConnectError),
    #[error("cannot migrate the database")]
    Migrate(#[from] liveclass_persistence::MigrationError),
    /// The blocking task that connects and migrates died.
    #[error("the database set-up task failed")]
    DatabaseTask(#[source] tokio::task::JoinError),
    #[error("invalid JWT key")]
    Jwt(#[from] liveclass_http::auth::JwtConfigError),
    #[error("cannot resolve LIVECLASS_BIND={addr}")]
    Resolve {
        addr: BindAddress,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}")]
    Bind {
        addr: BindAddress,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen for SIGTERM and SIGINT")]
    Signals(#[source] std::io::Error),
    #[error("cannot build the {client} client")]
    VideoClient {
        /// The provider, and the setting to check.
        client: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    workers: Supervisor,
    signals: StopSignals,
    /// This process's open event streams: ended when the server stops.
    streams: Arc<EventHub>,
    /// The PostgreSQL wake-up listener (none on SQLite).
    listener: Option<EventListener>,
}

impl Application {
    /// Connects to the database, applies pending migrations, binds the
    /// listener (port 0 picks a free port) and builds the server.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, the JWT key is
    /// invalid, or the address cannot be bound.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] with the clock every rule and worker reads:
    /// tests pass a `FixedClock` and move time instead of sleeping.
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        liveclass_video::install_crypto_provider();
        let pool = open_database(&settings.database_url, settings.pool).await?;
        let verifier = JwtVerifier::new(&settings.jwt.config)?;
        if settings.jwt.development {
            tracing::warn!(
                "DEVELOPMENT MODE: accepting tokens signed with the public development secret; \
                 never run like this in production"
            );
        }
        if settings.webhooks.development_key {
            tracing::warn!(
                "DEVELOPMENT MODE: webhook secrets are sealed with the public development key; \
                 set LIVECLASS_SECRETS_KEY in production"
            );
        }
        let metrics = Metrics::new(
            settings
                .ops
                .metrics_token
                .as_ref()
                .map(|t| t.expose().to_owned()),
        );
        // One store for everything: its semaphore is sized to the pool.
        let store = Arc::new(crate::metrics::instrument_store(
            &metrics,
            DieselStore::new(pool.clone()),
        ));
        let video = video_provider(&settings.video)?;
        let streams = Arc::new(EventHub::new());
        let events_listener = start_event_listener(&settings.database_url, &streams);
        let services = Services::new(
            Ports {
                store: store.clone(),
                video: video.clone(),
                clock,
                ids: Arc::new(RandomIds),
                cleanups: Some(store.clone() as Arc<dyn CleanupQueue>),
                wakeups: streams.clone(),
                secrets: Arc::new(settings.webhooks.secret_box()),
                webhook_sender: Arc::new(crate::webhooks::HttpWebhookSender::new(
                    settings.webhooks.allow_private,
                )),
                credential_checker: Arc::new(
                    crate::provider_accounts::VideoCredentialChecker::new(
                        settings.provider_endpoints.clone(),
                    ),
                ),
                provider_payloads: Arc::new(WebhookPayloads),
            },
            Policies {
                class: settings.policy,
                schedule: settings.schedules.policy,
                join_link: settings.schedules.join_links,
                actual_times: settings.schedules.actual_times,
                auto_end: settings.schedules.auto_end,
                cleanup: CleanupPolicy::default(),
                idempotency: liveclass_domain::idempotency::IdempotencyPolicy::default(),
                event_log: settings.events.policy,
                webhooks: settings.webhooks.policy,
                provider_events: ProviderEventPolicy::default(),
                attendance: settings.schedules.attendance,
                reconcile: settings.schedules.reconcile,
            },
        );
        let jobs = services.clone();
        let state = AppState {
            services,
            verifier: Arc::new(verifier),
            feeds: settings.schedules.feeds.clone(),
            streams: streams.clone(),
            stream_tokens: stream_tokens(&settings),
            stream_settings: StreamSettings::default(),
            limits: Arc::new(liveclass_http::rate_limit::RateLimiter::new(
                settings.rate_limits,
            )),
            metrics: metrics.clone(),
            cors: settings.ops.cors.clone(),
            provider_webhooks: settings.ops.provider_webhooks.clone(),
        };

        let (listener, port) = listen(&settings.bind)?;
        // actix-http's HTTP/1.1 dispatcher, with its own error answers in
        // the JSON error shape (see `transport`).
        let server =
            crate::transport::serve(listener, settings.workers, SHUTDOWN_GRACE, move || {
                liveclass_http::app(state.clone())
            })
            .map_err(|source| StartupError::Bind {
                addr: settings.bind.clone(),
                source,
            })?;
        // Listening before the "listening" line: a SIGTERM right after it
        // stops the server gracefully instead of killing it.
        let signals = StopSignals::listen().map_err(StartupError::Signals)?;
        let workers = workers::start(&jobs, &settings, &metrics, &store);
        tracing::info!(
            address = %settings.bind,
            port,
            backend = ?liveclass_persistence::Backend::of_url(&settings.database_url),
            video = ?settings.video,
            "LiveClass is listening"
        );
        Ok(Self {
            port,
            server,
            pool,
            workers,
            signals,
            streams,
            listener: events_listener,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Serves until SIGTERM or SIGINT (or until an [`Application::handle`]
    /// stops it). On SIGTERM it stops gracefully: in-flight requests and
    /// background passes under way get up to [`SHUTDOWN_GRACE`] to finish,
    /// side by side. SIGINT drops the requests at once, and gives passes
    /// under way a second.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self {
            server,
            mut workers,
            mut signals,
            streams,
            listener: events_listener,
            ..
        } = self;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        let stopped = tokio::select! {
            result = &mut server => Ok(result),
            graceful = signals.recv() => Err(graceful),
        };
        let result = match stopped {
            Ok(result) => result,
            Err(graceful) => {
                let grace = if graceful {
                    SHUTDOWN_GRACE
                } else {
                    Duration::from_secs(1)
                };
                let signal = if graceful { "SIGTERM" } else { "SIGINT" };
                tracing::info!(
                    signal,
                    ?grace,
                    "stopping the server and the background jobs"
                );
                // Open event streams end now (browsers reconnect elsewhere):
                // a graceful stop does not wait for them.
                streams.close();
                let (result, (), ()) =
                    tokio::join!(server, handle.stop(graceful), workers.shutdown(grace));
                result
            }
        };
        workers.shutdown(SHUTDOWN_GRACE).await;
        streams.close();
        if let Some(listener) = events_listener {
            // Joining the thread blocks for up to one poll.
            let _ = tokio::task::spawn_blocking(move || drop(listener)).await;
        }
        result
    }

    /// The names of the background jobs running.
    pub fn background_jobs(&self) -> Vec<&'static str> {
        self.workers.jobs()
    }

    /// A handle that stops the server (for tests and embedding).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// The configured video provider.
///
/// # Errors
/// When a provider's HTTP client cannot be built or a URL is invalid.
pub fn video_provider(settings: &VideoSettings) -> Result<Arc<dyn VideoProvider>, StartupError> {
    let provider: Arc<dyn VideoProvider> = match settings {
        VideoSettings::Jitsi { domain, auth } => {
            let jitsi = JitsiVideoProvider::new(domain);
            Arc::new(match auth {
                Some(auth) => jitsi.with_token_auth(auth.clone()),
                None => jitsi,
            })
        }
        VideoSettings::Daily(config) => {
            Arc::new(DailyVideoProvider::new(config.clone()).map_err(|e| {
                StartupError::VideoClient {
                    client: "Daily",
                    source: e.into(),
                }
            })?)
        }
        VideoSettings::Zoom(config) => {
            Arc::new(ZoomVideoProvider::new(config.clone()).map_err(|e| {
                StartupError::VideoClient {
                    client: "Zoom (check ZOOM_OAUTH_URL)",
                    source: e.into(),
                }
            })?)
        }
        VideoSettings::None => Arc::new(NoVideoProvider),
    };
    Ok(provider)
}

// ---- Event streams -----------------------------------------------------------

/// On PostgreSQL, the one dedicated `LISTEN` connection of this process:
/// it wakes the streams of classes whose logs grew in any process, and all
/// of them after it reconnects. SQLite has one process: the sequencer's
/// in-process wake-ups are enough.
fn start_event_listener(url: &str, streams: &Arc<EventHub>) -> Option<EventListener> {
    if liveclass_persistence::Backend::of_url(url) != liveclass_persistence::Backend::Postgres {
        return None;
    }
    let hub = streams.clone();
    match EventListener::start(url, move |signal| match signal {
        ListenerSignal::Class(class_id) => hub.wake_class(class_id),
        ListenerSignal::CatchUp => hub.wake_all(),
    }) {
        Ok(listener) => Some(listener),
        Err(e) => {
            // Streams still get events from their safety poll.
            tracing::error!(error = %e, "cannot start the event listener thread");
            None
        }
    }
}

/// The stream token key: the configured one, else derived from an HS256
/// bearer secret (so processes that share it accept each other's tokens),
/// else a random one for this process.
fn stream_tokens(settings: &Settings) -> StreamTokens {
    if let Some(secret) = &settings.events.stream_token_secret {
        return StreamTokens::new(&secret.0);
    }
    if let liveclass_http::JwtKey::Hs256Secret(secret) = &settings.jwt.config.key {
        return StreamTokens::new(secret);
    }
    tracing::warn!(
        "LIVECLASS_STREAM_TOKEN_SECRET is not set and the JWT key is public: stream tokens \
         open streams only on the process that issued them; set it when running several"
    );
    let random = format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    StreamTokens::new(random.as_bytes())
}

// ---- Background workers ----------------------------------------------------

/// SIGTERM and SIGINT, listened to from their creation on.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next stop signal: `true` for SIGTERM (stop gracefully), `false`
    /// for SIGINT.
    async fn recv(&mut self) -> bool {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => true,
                _ = self.interrupt.recv() => false,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            false
        }
    }
}

// ---- Listener and database ---------------------------------------------------

/// Binds the first address `bind` resolves to that can be bound; returns the
/// listener and its port (the one picked when `bind` asks for port 0).
fn listen(bind: &BindAddress) -> Result<(TcpListener, u16), StartupError> {
    let addrs = bind.resolve().map_err(|source| StartupError::Resolve {
        addr: bind.clone(),
        source,
    })?;
    let bound = TcpListener::bind(&addrs[..]).and_then(|l| {
        let port = l.local_addr()?.port();
        Ok((l, port))
    });
    bound.map_err(|source| StartupError::Bind {
        addr: bind.clone(),
        source,
    })
}

/// Connects and migrates, off the async workers (both block).
///
/// # Errors
/// When the database cannot be reached or migrated.
pub async fn open_database(url: &str, options: PoolOptions) -> Result<DbPool, StartupError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let pool = connect(&url, options)?;
        let applied = run_migrations(&pool)?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        Ok(pool)
    })
    .await
    .map_err(StartupError::DatabaseTask)?
}
