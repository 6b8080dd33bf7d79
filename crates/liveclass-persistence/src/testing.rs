//! Test databases for this crate's and the end-to-end tests: a fresh SQLite
//! file, or a fresh PostgreSQL database, dropped again when the handle is.
//! Compiled with the `test-util` feature only.
//!
//! # PostgreSQL: one migrated template, cloned per test
//!
//! Migrating a database takes far longer than copying one, so the migrations
//! run once per server and migration set, into a template database named
//! `liveclass_template_<hash>`, the hash being that of the PostgreSQL
//! migration files: a changed or added migration makes a new template. Each
//! test then gets `CREATE DATABASE liveclass_test_<uuid> TEMPLATE …`, dropped
//! when its [`TestDatabase`] is (also while a panic unwinds).
//!
//! The template is built under a PostgreSQL advisory lock on the admin
//! connection, so test processes running at once (several test binaries,
//! several worktrees on one server) build it once; it is built under another
//! name and renamed when complete, so a build that died half-way is never
//! cloned. It is then marked `IS_TEMPLATE` and closed to connections
//! (`ALLOW_CONNECTIONS false`): PostgreSQL refuses to copy a database others
//! are connected to, so nothing may stay connected to it. Old templates are
//! left on the server (each is the size of an empty schema); remove them with
//! `ALTER DATABASE <name> IS_TEMPLATE false; DROP DATABASE <name>;`.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::{DbPool, PoolOptions, connect, run_migrations};

/// The tables, for tests that check what the database holds.
pub use crate::schema;

/// `postgres://u@h:p/db?x` with its database replaced by `name`.
pub use crate::database_url::with_database;

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

    /// A migrated PostgreSQL database of its own, cloned from the template
    /// (see the module docs), or `None` (with a notice on stderr) when
    /// [`POSTGRES_URL_VAR`] is not set.
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
        let template = template(&admin_url);
        let name = format!("liveclass_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("{POSTGRES_URL_VAR} is set but PostgreSQL cannot be reached: {e}")
        });
        retry_while_in_use(|| {
            admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        })
        .unwrap_or_else(|e| panic!("cannot create {name} from {template}: {e}"));
        let url = with_database(&admin_url, &name);
        // From here on the database is dropped whatever happens, even if
        // connecting or migrating panics.
        let guard = DroppedDatabase { admin_url, name };
        let pool = connect(&url, PoolOptions::default()).unwrap();
        Some(Self {
            url,
            pool,
            cleanup: Cleanup::Postgres(guard),
        })
    }
}

/// The key of the advisory lock (on the admin database) under which one
/// process at a time builds a template. Any constant.
const TEMPLATE_LOCK_KEY: i64 = 0x4c43_5465_6d70_6c74;

/// The template of this process's migrations, once known to exist.
static TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

/// The name of the migrated template database, built first if no process has
/// built it yet (see the module docs).
#[allow(clippy::unwrap_used)]
fn template(admin_url: &str) -> String {
    let mut known = TEMPLATE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(name) = known.as_ref() {
        return name.clone();
    }
    let name = format!("liveclass_template_{:016x}", migrations_hash());
    let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|e| {
        panic!("{POSTGRES_URL_VAR} is set but PostgreSQL cannot be reached: {e}")
    });
    // Held until the unlock below, or until `admin` is dropped by a panic.
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(TEMPLATE_LOCK_KEY)
        .execute(&mut admin)
        .unwrap();
    let exists = diesel::sql_query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(name.as_str())
        .execute(&mut admin)
        .unwrap()
        == 1;
    if !exists {
        build_template(&mut admin, admin_url, &name);
    }
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(TEMPLATE_LOCK_KEY)
        .execute(&mut admin)
        .unwrap();
    *known = Some(name.clone());
    name
}

/// Migrates a new database and publishes it as the template `name`. The caller
/// holds the template lock.
#[allow(clippy::unwrap_used)]
fn build_template(admin: &mut PgConnection, admin_url: &str, name: &str) {
    let building = format!("{name}_building");
    // Left by a build that died half-way.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {building}"))
        .unwrap();
    {
        // One connection, closed when the pool is dropped at the end of this
        // block: the template must have none left to be copied.
        let options = PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        };
        let pool = connect(&with_database(admin_url, &building), options).unwrap();
        run_migrations(&pool).unwrap();
    }
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {building} WITH ALLOW_CONNECTIONS false"
        ))
        .unwrap();
    retry_while_in_use(|| {
        admin.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
    })
    .unwrap();
    admin
        .batch_execute(&format!("ALTER DATABASE {name} WITH IS_TEMPLATE true"))
        .unwrap();
}

/// Runs `statement` again, for up to about ten seconds, while PostgreSQL
/// refuses it because a connection to the database it copies or renames is
/// still closing ("source database … is being accessed by other users").
fn retry_while_in_use(
    mut statement: impl FnMut() -> diesel::QueryResult<()>,
) -> diesel::QueryResult<()> {
    let mut attempts = 0;
    loop {
        match statement() {
            Err(e) if attempts < 50 && e.to_string().contains("accessed by other users") => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// FNV-1a over the names of the PostgreSQL migrations compiled into this
/// binary, then the migration files' paths and contents, in path order:
/// stable across builds and toolchains, and changed by any edit. The compiled
/// names count too, so a test binary built before a migration was added
/// (whose files are on disk, not in the binary) never shares a template with
/// one built after.
fn migrations_hash() -> u64 {
    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/postgres");
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(DIR)];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read the migrations in {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for name in crate::migrations::embedded_postgres_names() {
        for byte in name.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    for path in files {
        let relative = path.strip_prefix(DIR).unwrap_or(&path);
        let content =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for byte in relative.to_string_lossy().bytes().chain([0]).chain(content) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
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
    #[test]
    fn templates_are_named_after_the_migrations_compiled_in() {
        let names = crate::migrations::embedded_postgres_names();
        assert!(names.len() >= 5, "{names:?}");
        assert_eq!(super::migrations_hash(), super::migrations_hash());
    }
}
