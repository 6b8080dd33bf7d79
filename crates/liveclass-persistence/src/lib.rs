//! LiveClass persistence: the repository ports of `liveclass-domain` over
//! Diesel, for PostgreSQL and SQLite alike.
//!
//! One schema serves both backends through [`AnyConnection`]
//! (`diesel::MultiConnection`); the few places where the SQL must differ
//! (transactions that take SQLite's write lock up front, PostgreSQL's advisory
//! lock around migrations) branch on the backend explicitly.

mod auto_end;
mod calendar_tokens;
mod cleanups;
mod connection;
mod join_links;
mod migrations;
mod repository;
mod rows;
mod schedule_rows;
mod schedules;
pub mod schema;
pub mod testing;

pub use connection::{AnyConnection, Backend, ConnectError, DbPool, PoolOptions, connect};
pub use migrations::{MigrationError, run_migrations};
pub use repository::DieselStore;
