//! Connections and pools for either backend, chosen by the URL.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to PostgreSQL or SQLite.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// An r2d2 pool of [`AnyConnection`]s.
pub type DbPool = r2d2::Pool<ConnectionManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://` and `postgresql://` URLs are PostgreSQL; anything else is
    /// a SQLite path (`sqlite://` prefix optional).
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

impl AnyConnection {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgresql(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}

// WAL lets readers run beside the one writer; the busy timeout makes a writer
// wait for the lock instead of failing with "database is locked".
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                              PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";

/// Opens connections of the backend its URL names. Written by hand (rather
/// than diesel's generic manager) so a refused connection reports its real
/// cause instead of "invalid connection url for multiconnection".
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    pub fn new(url: &str) -> Self {
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Postgres => url.to_owned(),
            Backend::Sqlite => url.strip_prefix("sqlite://").unwrap_or(url).to_owned(),
        };
        Self { url, backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Pool settings.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a free connection before the store reports
    /// itself unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot connect to the database: {0}")]
pub struct ConnectError(#[source] r2d2::Error);

/// Builds a pool and opens its first connection, so a wrong URL fails here
/// with the database's own message.
///
/// # Errors
/// When no connection can be opened within `acquire_timeout`.
pub fn connect(url: &str, options: PoolOptions) -> Result<DbPool, ConnectError> {
    let manager = ConnectionManager::new(url);
    // Each connection to `:memory:` is a database of its own: keep one.
    let max_size = if matches!(manager.url.as_str(), ":memory:" | "") {
        1
    } else {
        options.max_size
    };
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(options.acquire_timeout)
        // No `SELECT 1` before every checkout: it doubled the round trips of a
        // join. A connection that broke is noticed when its query fails and
        // is then dropped by `has_broken`.
        .test_on_check_out(false)
        .error_handler(Box::new(r2d2::LoggingErrorHandler))
        .build(manager)
        .map_err(ConnectError)
}
