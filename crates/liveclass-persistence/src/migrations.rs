//! Embedded migrations, one set per backend.

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::{AnyConnection, DbPool};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

// Any constant: the key of the advisory lock that lets one process at a time
// migrate a PostgreSQL database several servers share.
const MIGRATION_LOCK_KEY: i64 = 0x4c69_7665_436c_6173;

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot get a database connection")]
    Pool(#[from] r2d2::Error),
    #[error("cannot take the migration lock")]
    Lock(#[source] diesel::result::Error),
    /// The source is diesel's error, which names the migration.
    #[error("a migration failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Applies every pending migration and returns the versions applied. Safe to
/// run from several processes at once on PostgreSQL (an advisory lock
/// serialises them); SQLite serialises writers itself.
///
/// # Errors
/// When no connection can be had or a migration fails.
pub fn run_migrations(pool: &DbPool) -> Result<Vec<String>, MigrationError> {
    let mut conn = pool.get()?;
    let applied = match &mut *conn {
        AnyConnection::Postgresql(c) => {
            let lock = format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})");
            diesel::sql_query(lock)
                .execute(c)
                .map_err(MigrationError::Lock)?;
            let result = c.run_pending_migrations(POSTGRES).map(versions);
            let unlock = format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})");
            let _ = diesel::sql_query(unlock).execute(c);
            result
        }
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(versions),
    };
    applied.map_err(MigrationError::Failed)
}

fn versions(applied: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    applied.into_iter().map(|v| v.to_string()).collect()
}

/// The names of the PostgreSQL migrations compiled into this binary, in
/// order (test templates are named after them, see `testing`).
#[cfg(feature = "test-util")]
pub(crate) fn embedded_postgres_names() -> Vec<String> {
    use diesel::migration::MigrationSource;
    MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES)
        .map(|all| all.iter().map(|m| m.name().to_string()).collect())
        .unwrap_or_default()
}
