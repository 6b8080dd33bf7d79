//! Builds the application from [`Settings`] and runs it.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use liveclass_domain::LiveClassService;
use liveclass_domain::actual_times::ActualTimesService;
use liveclass_domain::auto_end::{AutoEndRepository, AutoEndService};
use liveclass_domain::calendar::{CalendarService, CalendarTokenRepository};
use liveclass_domain::class::{ClassRepository, ParticipationRepository};
use liveclass_domain::clock::SystemClock;
use liveclass_domain::ids::RandomIds;
use liveclass_domain::join_link::{JoinLinkRepository, JoinLinkService};
use liveclass_domain::video::VideoProvider;
use liveclass_http::{JwtVerifier, middleware, routes};
use liveclass_persistence::{DbPool, DieselStore, PoolOptions, connect, run_migrations};
use liveclass_video::{JitsiVideoProvider, NoVideoProvider};
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
}

impl Application {
    /// Connects to the database, applies pending migrations, binds the
    /// listener (port 0 picks a free port) and builds the server.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, the JWT key is
    /// invalid, or the address cannot be bound.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let pool = open_database(&settings.database_url, settings.pool).await?;
        let verifier = JwtVerifier::new(&settings.jwt.config)?;
        if settings.jwt.development {
            tracing::warn!(
                "DEVELOPMENT MODE: accepting tokens signed with the public development secret; \
                 never run like this in production"
            );
        }
        let store = Arc::new(DieselStore::new(pool.clone()));
        let video: Arc<dyn VideoProvider> = match &settings.video {
            VideoSettings::Jitsi { domain } => Arc::new(JitsiVideoProvider::new(domain)),
            VideoSettings::None => Arc::new(NoVideoProvider),
        };
        let service = web::Data::new(LiveClassService::new(
            store.clone() as Arc<dyn ClassRepository>,
            store as Arc<dyn ParticipationRepository>,
            video,
            Arc::new(SystemClock),
            Arc::new(RandomIds),
            settings.policy,
        ));
        let schedules = web::Data::new(crate::jobs::schedule_service(
            Arc::new(DieselStore::new(pool.clone())),
            crate::jobs::video_provider(&settings.video),
            &settings,
        ));
        let join_links = web::Data::new(JoinLinkService::new(
            Arc::new(DieselStore::new(pool.clone())) as Arc<dyn JoinLinkRepository>,
            service.clone().into_inner(),
            Arc::new(SystemClock),
            settings.schedules.join_links,
        ));
        let actual_times = web::Data::new(ActualTimesService::new(
            Arc::new(DieselStore::new(pool.clone())) as Arc<dyn ClassRepository>,
            Arc::new(SystemClock),
            settings.schedules.actual_times,
        ));
        if let Some(every) = settings.schedules.auto_end_every {
            let store = Arc::new(DieselStore::new(pool.clone()));
            let auto_end = AutoEndService::new(
                store.clone() as Arc<dyn AutoEndRepository>,
                store as Arc<dyn ClassRepository>,
                Arc::new(SystemClock),
                settings.schedules.auto_end,
            );
            crate::workers::spawn_auto_end(Arc::new(auto_end), every);
        }
        let calendar = web::Data::new(CalendarService::new(
            Arc::new(DieselStore::new(pool.clone())) as Arc<dyn CalendarTokenRepository>,
            Arc::new(DieselStore::new(pool.clone())) as Arc<dyn ClassRepository>,
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        ));
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
                .app_data(service.clone())
                .app_data(schedules.clone())
                .app_data(join_links.clone())
                .app_data(actual_times.clone())
                .app_data(calendar.clone())
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
        Ok(Self { port, server, pool })
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
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// A handle that stops the server (for tests and embedding).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
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
