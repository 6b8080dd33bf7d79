//! [`DieselStore`] itself, and what every port's implementation shares: the
//! hop to the blocking pool ([`DieselStore::run`]), the mapping of Diesel
//! errors to the domain's [`RepoError`], and [`write_transaction`].
//!
//! Every call runs on tokio's blocking pool: Diesel is synchronous and must
//! never hold up an async worker. Writes that must be atomic run in
//! [`write_transaction`], which on PostgreSQL is an ordinary READ COMMITTED
//! transaction whose first write locks the class row, and on SQLite a
//! `BEGIN IMMEDIATE` transaction that takes the database's write lock up front
//! (a deferred one could fail with "database is locked" when it upgrades).
//!
//! Each port has a module of its own: `classes` (`ClassRepository`),
//! `participations` (`ParticipationRepository`, with admission in
//! `admission`), `schedules`, `join_links`, `calendar_tokens`, `cleanups`
//! (`CleanupQueue`) and `auto_end`; background claims go through `claim`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use liveclass_domain::store::RepoError;
use tokio::sync::Semaphore;

use crate::connection::{AnyConnection, Backend, DbPool};

/// Called with how long a call waited for a connection, and whether it got
/// one (for metrics).
pub type WaitObserver = Arc<dyn Fn(Duration, bool) + Send + Sync>;

/// The Diesel implementation of the domain's repository ports.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    /// One permit per pooled connection: a call waits here, asynchronously,
    /// rather than on a blocking thread parked on the pool.
    permits: Arc<Semaphore>,
    /// Whether the database was last seen unreachable (see [`DbHealth`]).
    health: Arc<DbHealth>,
    on_wait: Option<WaitObserver>,
}

impl DieselStore {
    pub fn new(pool: DbPool) -> Self {
        let size = usize::try_from(pool.max_size()).unwrap_or(1);
        Self {
            pool,
            permits: Arc::new(Semaphore::new(size)),
            health: Arc::new(DbHealth::default()),
            on_wait: None,
        }
    }

    /// Calls `observer` after every wait for a connection (metrics).
    #[must_use]
    pub fn with_wait_observer(mut self, observer: WaitObserver) -> Self {
        self.on_wait = Some(observer);
        self
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Whether the database was reachable at the last call (`false` from
    /// a lost connection or a failed connection attempt until a call gets a
    /// connection again).
    pub fn database_reachable(&self) -> bool {
        !self.health.is_down()
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    ///
    /// While the database is known to be unreachable, a call waits at most
    /// [`OUTAGE_ACQUIRE_TIMEOUT`] for a connection instead of the pool's
    /// whole timeout: requests answer 503 at once rather than each holding
    /// its client for seconds. The pool keeps reconnecting in the background,
    /// and the first call that gets a connection ends the outage.
    pub(crate) async fn run<T, F>(&self, what: &'static str, f: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DieselError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let timeout = if self.health.is_down() {
            OUTAGE_ACQUIRE_TIMEOUT.min(self.pool.connection_timeout())
        } else {
            self.pool.connection_timeout()
        };
        let started = std::time::Instant::now();
        // Bounded like the pool's own wait: past it the store is unavailable.
        let permit =
            match tokio::time::timeout(timeout, self.permits.clone().acquire_owned()).await {
                Ok(permit) => permit
                    .map_err(|e| RepoError::Unexpected(anyhow::Error::new(e).context(what)))?,
                Err(e) => {
                    self.observe_wait(started.elapsed(), false);
                    return Err(RepoError::Unavailable(anyhow::Error::new(e).context(what)));
                }
            };
        let health = self.health.clone();
        let on_wait = self.on_wait.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let remaining = timeout.saturating_sub(started.elapsed());
            let got = pool.get_timeout(remaining.max(Duration::from_millis(1)));
            if let Some(on_wait) = &on_wait {
                on_wait(started.elapsed(), got.is_ok());
            }
            let mut conn = match got {
                Ok(conn) => {
                    health.up();
                    conn
                }
                Err(e) => {
                    // No connection at all: the pool cannot open one, so the
                    // database is down (a busy pool has its connections).
                    if pool.state().connections == 0 {
                        health.down();
                    }
                    return Err(RepoError::Unavailable(anyhow::Error::new(e).context(what)));
                }
            };
            f(&mut conn).map_err(|e| {
                let e = repo_error(e, what);
                if matches!(e, RepoError::Unavailable(_)) {
                    health.down();
                }
                e
            })
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) => Err(RepoError::Unexpected(anyhow::Error::new(e).context(what))),
        }
    }

    fn observe_wait(&self, waited: Duration, got: bool) {
        if let Some(on_wait) = &self.on_wait {
            on_wait(waited, got);
        }
    }
}

/// How long a call waits for a connection while the database is known to be
/// unreachable.
pub const OUTAGE_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(250);

/// Whether the database is known to be unreachable: set by a lost
/// connection or by a pool that cannot open any, cleared by the next
/// connection a call gets. Logged once per change, not once per request.
#[derive(Debug, Default)]
pub struct DbHealth {
    down: AtomicBool,
}

impl DbHealth {
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    fn down(&self) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::error!(
                "the database is unreachable: answering 503 database_unavailable until it is back"
            );
        }
    }

    fn up(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::warn!("the database is reachable again");
        }
    }
}

fn repo_error(e: DieselError, what: &'static str) -> RepoError {
    let unavailable = matches!(
        e,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        ) | DieselError::BrokenTransactionManager
    );
    let e = anyhow::Error::new(e).context(what);
    if unavailable {
        RepoError::Unavailable(e)
    } else {
        RepoError::Unexpected(e)
    }
}

/// A conversion failure inside a Diesel closure, carried as a Diesel error so
/// that the closure can use `?` throughout; the message survives.
pub(crate) fn corrupt(e: anyhow::Error) -> DieselError {
    DieselError::DeserializationError(e.into())
}

/// Runs `f` in a write transaction (see the module docs). Branches on
/// [`Backend`] rather than through `per_backend!`: `f` needs the whole
/// `AnyConnection`, not the concrete one.
pub(crate) fn write_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, DieselError>,
) -> Result<T, DieselError> {
    match conn.backend() {
        Backend::Postgres => conn.transaction(f),
        Backend::Sqlite => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e)
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

pub(crate) fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}
