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

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use liveclass_domain::store::RepoError;
use tokio::sync::Semaphore;

use crate::connection::{AnyConnection, Backend, DbPool};

/// The Diesel implementation of the domain's repository ports.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    /// One permit per pooled connection: a call waits here, asynchronously,
    /// rather than on a blocking thread parked on the pool.
    permits: Arc<Semaphore>,
}

impl DieselStore {
    pub fn new(pool: DbPool) -> Self {
        let size = usize::try_from(pool.max_size()).unwrap_or(1);
        Self {
            pool,
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    pub(crate) async fn run<T, F>(&self, what: &'static str, f: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DieselError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // Bounded like the pool's own wait: past it the store is unavailable.
        let permit = tokio::time::timeout(
            self.pool.connection_timeout(),
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|e| RepoError::Unavailable(anyhow::Error::new(e).context(what)))?
        .map_err(|e| RepoError::Unexpected(anyhow::Error::new(e).context(what)))?;
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool
                .get()
                .map_err(|e| RepoError::Unavailable(anyhow::Error::new(e).context(what)))?;
            f(&mut conn).map_err(|e| repo_error(e, what))
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) => Err(RepoError::Unexpected(anyhow::Error::new(e).context(what))),
        }
    }
}

fn repo_error(e: DieselError, what: &'static str) -> RepoError {
    let unavailable = matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::BrokenTransactionManager
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
