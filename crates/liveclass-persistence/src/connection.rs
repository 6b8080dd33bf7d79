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
    /// a SQLite path (`sqlite://` prefix optional). [`connect`] refuses the
    /// URLs of other databases (`mysql://…`) before using this.
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// The backend `url` names, or the unsupported scheme it names
    /// (`mysql://…` is not a SQLite file called `mysql:`).
    ///
    /// # Errors
    /// [`ConnectError::UnsupportedScheme`].
    pub fn parse(url: &str) -> Result<Self, ConnectError> {
        match scheme(url) {
            None | Some("sqlite" | "file") => Ok(Self::Sqlite),
            Some("postgres" | "postgresql") => Ok(Self::Postgres),
            Some(other) => Err(ConnectError::UnsupportedScheme {
                scheme: other.to_owned(),
            }),
        }
    }
}

/// The scheme of a `scheme://…` URL (RFC 3986 syntax), lower-cased; `None`
/// for a plain path.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `url` with libpq's `connect_timeout` (whole seconds, at least 2) unless it
/// or `PGCONNECT_TIMEOUT` sets one: without it, a host that drops packets
/// holds a connection attempt for the system's TCP timeout (minutes), well past
/// the time a caller waits for a connection.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") || std::env::var_os("PGCONNECT_TIMEOUT").is_some() {
        return url.to_owned();
    }
    let seconds = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={}", seconds.max(2))
}

/// `url` without its password (in the user info or a `password=` parameter),
/// fit for logs and error messages.
pub(crate) fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
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
// wait for the lock instead of failing with "database is locked". The busy
// timeout comes first: switching a new file to WAL takes an exclusive lock,
// and a connection opened meanwhile must wait for it rather than fail.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
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
    /// A manager for `url`.
    ///
    /// # Errors
    /// [`ConnectError::UnsupportedScheme`] for the URL of another database.
    pub fn new(url: &str) -> Result<Self, ConnectError> {
        let backend = Backend::parse(url)?;
        let url = match backend {
            Backend::Postgres => url.to_owned(),
            Backend::Sqlite => url.strip_prefix("sqlite://").unwrap_or(url).to_owned(),
        };
        Ok(Self { url, backend })
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

/// Why [`connect`] failed. The database is named without its password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "unsupported database URL scheme \"{scheme}\": use a SQLite path, sqlite://… or postgres://…"
    )]
    UnsupportedScheme { scheme: String },
    /// The first connection failed: the database's own message is the source.
    #[error("cannot connect to the database {database}")]
    Unreachable {
        database: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The first connection worked but the pool could not fill up in time.
    #[error("cannot open the connection pool of the database {database}")]
    Pool {
        database: String,
        #[source]
        source: r2d2::Error,
    },
}

/// Logs the pool's failed attempts to open a connection (it retries each
/// one in the background, every few seconds): the first failure as a
/// warning with the database's message, the retries of an outage at debug
/// level (one line per connection and retry would flood the log), and the
/// first connection opened again.
#[derive(Debug, Clone, Default)]
struct ConnectionLog {
    failing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl r2d2::HandleError<diesel::r2d2::Error> for ConnectionLog {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        use std::sync::atomic::Ordering;
        if self.failing.swap(true, Ordering::Relaxed) {
            tracing::debug!(error = %error, "cannot open a database connection; retrying");
        } else {
            tracing::warn!(error = %error, "cannot open a database connection; retrying");
        }
    }
}

impl r2d2::HandleEvent for ConnectionLog {
    fn handle_acquire(&self, _event: r2d2::event::AcquireEvent) {
        use std::sync::atomic::Ordering;
        if self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("database connections open again");
        }
    }
}

/// Builds a pool and opens its first connection, so a wrong URL fails here
/// with the database's own message.
///
/// The first connection is opened alone, before the pool opens the others:
/// a database that cannot be reached fails at once with one error rather
/// than a retry per connection until `acquire_timeout`, and a new SQLite file
/// is switched to WAL before other connections race for it.
///
/// # Errors
/// An unsupported URL scheme (before any connection attempt), a first
/// connection that fails, or a pool that cannot open its connections within
/// `acquire_timeout`.
pub fn connect(url: &str, options: PoolOptions) -> Result<DbPool, ConnectError> {
    let mut manager = ConnectionManager::new(url)?;
    if manager.backend == Backend::Postgres {
        manager.url = with_connect_timeout(&manager.url, options.acquire_timeout);
    }
    let database = redacted(url);
    let first = r2d2::ManageConnection::connect(&manager).map_err(|e| {
        let source: Box<dyn std::error::Error + Send + Sync> = match e {
            diesel::r2d2::Error::ConnectionError(e) => Box::new(e),
            diesel::r2d2::Error::QueryError(e) => Box::new(e),
        };
        ConnectError::Unreachable {
            database: database.clone(),
            source,
        }
    })?;
    drop(first);
    // Each connection to `:memory:` is a database of its own: keep one.
    let max_size = if matches!(manager.url.as_str(), ":memory:" | "") {
        1
    } else {
        options.max_size
    };
    let log = ConnectionLog::default();
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(options.acquire_timeout)
        // No `SELECT 1` before every checkout: it doubled the round trips of a
        // join. A connection that broke is noticed when its query fails and
        // is then dropped by `has_broken`.
        .test_on_check_out(false)
        .error_handler(Box::new(log.clone()))
        .event_handler(Box::new(log))
        .build(manager)
        .map_err(|source| ConnectError::Pool { database, source })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn other_databases_are_refused_by_scheme_before_any_connection() {
        for (url, scheme) in [("mysql://x", "mysql"), ("mongodb://h/db", "mongodb")] {
            let err = connect(url, PoolOptions::default()).err();
            assert!(
                matches!(&err, Some(ConnectError::UnsupportedScheme { scheme: s }) if s == scheme),
                "{url}: {err:?}"
            );
        }
        for url in ["liveclass.db", "sqlite://a.db", "file://a.db", "dir/a:b.db"] {
            assert_eq!(Backend::parse(url).ok(), Some(Backend::Sqlite), "{url}");
        }
        for url in ["postgres://h/db", "postgresql://u@h/db"] {
            assert_eq!(Backend::parse(url).ok(), Some(Backend::Postgres), "{url}");
        }
    }

    #[test]
    fn postgres_connection_attempts_time_out_like_the_pool() {
        let five = Duration::from_secs(5);
        assert_eq!(
            with_connect_timeout("postgres://h/db", five),
            "postgres://h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout(
                "postgres://h/db?sslmode=disable",
                Duration::from_millis(500)
            ),
            "postgres://h/db?sslmode=disable&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=9", five),
            "postgres://h/db?connect_timeout=9"
        );
    }

    #[test]
    fn a_server_that_never_answers_fails_within_the_acquire_timeout() {
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let started = std::time::Instant::now();
        let options = PoolOptions {
            acquire_timeout: Duration::from_secs(2),
            ..PoolOptions::default()
        };
        let err = connect(&format!("postgres://app@127.0.0.1:{port}/x"), options).err();
        assert!(
            matches!(err, Some(ConnectError::Unreachable { .. })),
            "{err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        drop(silent);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redacted("postgres://app:s3cret@db:5432/live?sslmode=require"),
            "postgres://app:***@db:5432/live?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://app@db/live?password=s3cret&x=1"),
            "postgres://app@db/live?password=***&x=1"
        );
        assert_eq!(redacted("postgres://db/live"), "postgres://db/live");
        assert_eq!(redacted("liveclass.db"), "liveclass.db");
    }

    #[test]
    fn an_unreachable_database_fails_at_once_naming_it_without_its_password() {
        let started = std::time::Instant::now();
        let err = connect(
            "postgres://app:s3cret@127.0.0.1:1/x",
            PoolOptions::default(),
        )
        .err();
        assert!(started.elapsed() < Duration::from_secs(3));
        let Some(err @ ConnectError::Unreachable { .. }) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            err.to_string(),
            "cannot connect to the database postgres://app:***@127.0.0.1:1/x"
        );
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert!(cause.is_some_and(|c| !c.contains("s3cret")));
    }
}
