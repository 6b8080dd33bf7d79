//! Builds the application from [`Settings`] and runs it.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use liveclass_domain::cleanup::{CleanupPolicy, CleanupQueue, ProviderCleanups};
use liveclass_domain::clock::SystemClock;
use liveclass_domain::ids::RandomIds;
use liveclass_domain::video::VideoProvider;
use liveclass_domain::{Policies, Ports, Services};
use liveclass_http::{JwtVerifier, middleware, routes};
use liveclass_persistence::{DbPool, DieselStore, PoolOptions, connect, run_migrations};
use liveclass_video::{DailyVideoProvider, JitsiVideoProvider, NoVideoProvider, ZoomVideoProvider};
use tracing_actix_web::TracingLogger;

use crate::settings::{Settings, VideoSettings};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Connect(#[from] liveclass_persistence::ConnectError),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] liveclass_persistence::MigrationError),
    #[error("invalid JWT key: {0}")]
    Jwt(#[from] liveclass_http::auth::JwtConfigError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    cleanups: Arc<ProviderCleanups>,
    cleanup_interval: std::time::Duration,
}

impl Application {
    /// Connects to the database, applies pending migrations, binds the
    /// listener (port 0 picks a free port) and builds the server.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, the JWT key is
    /// invalid, or the address cannot be bound.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        liveclass_video::install_crypto_provider();
        let pool = open_database(&settings.database_url, settings.pool).await?;
        let verifier = JwtVerifier::new(&settings.jwt.config)?;
        if settings.jwt.development {
            tracing::warn!(
                "DEVELOPMENT MODE: accepting tokens signed with the public development secret; \
                 never run like this in production"
            );
        }
        // One store for everything: its semaphore is sized to the pool.
        let store = Arc::new(DieselStore::new(pool.clone()));
        let video = video_provider(&settings.video)?;
        let queue = store.clone() as Arc<dyn CleanupQueue>;
        let services = Services::new(
            Ports {
                store: store.clone(),
                video: video.clone(),
                clock: Arc::new(SystemClock),
                ids: Arc::new(RandomIds),
                cleanups: Some(queue),
            },
            Policies {
                class: settings.policy,
                schedule: settings.schedules.policy,
                join_link: settings.schedules.join_links,
                actual_times: settings.schedules.actual_times,
                auto_end: settings.schedules.auto_end,
                cleanup: CleanupPolicy::default(),
            },
        );
        let cleanups = services
            .cleanups
            .clone()
            .ok_or_else(|| StartupError::Other("no clean-up queue".into()))?;
        if let Some(every) = settings.schedules.auto_end_every {
            crate::workers::spawn_auto_end(services.auto_end.clone(), every);
        }
        let feeds = web::Data::new(settings.schedules.feeds.clone());
        let verifier = web::Data::new(verifier);

        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind,
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Other(e.to_string()))?
            .port();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::json_errors())
                .wrap(from_fn(middleware::request_id_header))
                .wrap(TracingLogger::default())
                .app_data(web::Data::from(services.live_classes.clone()))
                .app_data(web::Data::from(services.schedules.clone()))
                .app_data(web::Data::from(services.join_links.clone()))
                .app_data(web::Data::from(services.actual_times.clone()))
                .app_data(web::Data::from(services.calendars.clone()))
                .app_data(feeds.clone())
                .app_data(verifier.clone())
                .configure(routes::configure)
        })
        .shutdown_timeout(30);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Bind {
                addr: settings.bind,
                source,
            })?
            .run();
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
            cleanups,
            cleanup_interval: settings.video_cleanup_interval,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully: in-flight
    /// requests get up to 30 seconds to finish.
    ///
    /// # Errors
    /// When the server fails.
    ///
    /// While serving, a background task retries failed video-provider
    /// clean-ups every `LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = tokio::spawn(retry_cleanups(self.cleanups, self.cleanup_interval));
        let result = self.server.await;
        worker.abort();
        result
    }

    /// The clean-up retrier this application runs in the background (tests
    /// run it by hand).
    pub fn cleanups(&self) -> Arc<ProviderCleanups> {
        self.cleanups.clone()
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
        VideoSettings::Daily(config) => Arc::new(
            DailyVideoProvider::new(config.clone())
                .map_err(|e| StartupError::Other(format!("Daily client: {e:#}")))?,
        ),
        VideoSettings::Zoom(config) => {
            Arc::new(ZoomVideoProvider::new(config.clone()).map_err(|e| {
                StartupError::Other(format!("Zoom client (ZOOM_OAUTH_URL?): {e:#}"))
            })?)
        }
        VideoSettings::None => Arc::new(NoVideoProvider),
    };
    Ok(provider)
}

/// Runs due clean-ups every `interval`, for as long as the server runs.
/// Every process does this; the queue's claims keep them from colliding.
async fn retry_cleanups(cleanups: Arc<ProviderCleanups>, interval: std::time::Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match cleanups.run_once().await {
            Ok(report) if report.done + report.failed + report.abandoned > 0 => {
                tracing::info!(
                    done = report.done,
                    failed = report.failed,
                    abandoned = report.abandoned,
                    "video clean-ups run"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the video clean-up queue"),
        }
    }
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
    .map_err(|e| StartupError::Other(e.to_string()))?
}
