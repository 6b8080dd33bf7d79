//! Test databases for this crate's and the end-to-end tests: a fresh SQLite
//! file, or a fresh PostgreSQL database, dropped again when the handle is.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::{DbPool, PoolOptions, connect, run_migrations};

/// The tables, for tests that check what the database holds.
pub use crate::schema;

/// The variable naming a PostgreSQL server for tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`. Each test gets a database of its
/// own on that server.
pub const POSTGRES_URL_VAR: &str = "LIVECLASS_TEST_POSTGRES_URL";

/// A migrated database that lives as long as this value.
pub struct TestDatabase {
    pub url: String,
    pub pool: DbPool,
    /// Held for its `Drop`, which runs after the pool is closed.
    #[allow(dead_code)]
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] DroppedDatabase),
}

/// Drops a PostgreSQL test database when dropped, also while a panic unwinds.
struct DroppedDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DroppedDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

impl TestDatabase {
    /// A migrated SQLite database in a temporary directory.
    ///
    /// # Panics
    /// When the file cannot be created or migrated.
    #[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("liveclass.db").display().to_string();
        let pool = connect(&url, PoolOptions::default()).unwrap();
        run_migrations(&pool).unwrap();
        Self {
            url,
            pool,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A migrated PostgreSQL database of its own, or `None` (with a notice on
    /// stderr) when [`POSTGRES_URL_VAR`] is not set.
    ///
    /// # Panics
    /// When the variable is set but the server cannot be reached: a test that
    /// was asked to run on PostgreSQL must fail, not skip.
    #[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
    pub fn postgres(test: &str) -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            eprintln!("SKIPPED on PostgreSQL: {test} ({POSTGRES_URL_VAR} is not set)");
            return None;
        };
        let name = format!("liveclass_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("{POSTGRES_URL_VAR} is set but PostgreSQL cannot be reached: {e}")
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = with_database(&admin_url, &name);
        // From here on the database is dropped whatever happens, even if
        // connecting or migrating panics.
        let guard = DroppedDatabase { admin_url, name };
        let pool = connect(&url, PoolOptions::default()).unwrap();
        run_migrations(&pool).unwrap();
        Some(Self {
            url,
            pool,
            cleanup: Cleanup::Postgres(guard),
        })
    }
}

/// `postgres://u@h:p/db?x` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs each named `async fn(TestDatabase)` as two tests, `sqlite::name` and
/// `postgres::name`, in the calling module; the PostgreSQL one prints a notice
/// and returns when [`POSTGRES_URL_VAR`] is not set, and fails when it is set
/// but the server cannot be reached.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::testing::TestDatabase::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = $crate::testing::TestDatabase::postgres(stringify!($name)) {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
