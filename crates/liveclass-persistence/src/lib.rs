//! LiveClass persistence: the repository ports of `liveclass-domain` over
//! Diesel, for PostgreSQL and SQLite alike.
//!
//! One schema serves both backends through [`AnyConnection`]
//! (`diesel::MultiConnection`); the few places where the SQL must differ
//! (transactions that take SQLite's write lock up front, PostgreSQL's advisory
//! lock around migrations) branch on the backend explicitly, through
//! `per_backend!` (module `backend`).
//!
//! Modules:
//! - `store`: [`DieselStore`] and what every port shares (the blocking-pool
//!   hop, error mapping, `write_transaction`);
//! - one module per port: `classes` (`ClassRepository`), `participations`
//!   (`ParticipationRepository`), `schedules`, `join_links`,
//!   `calendar_tokens`, `cleanups` (`CleanupQueue`), `auto_end`, `rosters`;
//! - `messages`: class chats and questions (`MessageRepository`);
//! - `polls`: class polls (`PollRepository`);
//! - `events`: the class event log (append, sequencer, reads, pruning);
//! - `admission`: admitting a participant, the PostgreSQL and SQLite paths
//!   side by side under one contract;
//! - `claim`: the claim/lease helper of background workers;
//! - `backend`: the `per_backend!` macro;
//! - `rows`, `schedule_rows`, [`schema`]: rows as stored;
//! - `connection`, `migrations`, `database_url`: pools, embedded migrations,
//!   URLs;
//! - `testing` (feature `test-util`): test databases and `on_both_backends!`.

mod admission;
mod admissions;
mod attendance;
mod auto_end;
mod backend;
mod calendar_tokens;
mod claim;
mod class_counts;
mod classes;
mod cleanups;
mod connection;
mod controls;
mod database_url;
mod events;
mod idempotency;
mod join_links;
mod listener;
mod messages;
mod migrations;
mod participations;
mod polls;
mod provider_accounts;
mod provider_events;
mod reactions;
mod reads;
mod recordings;
mod resources;
mod rosters;
mod rows;
mod schedule_rows;
mod schedules;
pub mod schema;
mod store;
#[cfg(feature = "test-util")]
pub mod testing;
mod waitlist;
mod webhooks;

pub use connection::{AnyConnection, Backend, ConnectError, DbPool, PoolOptions, connect};
pub use database_url::with_database;
pub use events::EVENTS_CHANNEL;
pub use listener::{EventListener, LISTENER_APPLICATION_NAME, ListenerSignal};
pub use migrations::{MigrationError, run_migrations};
pub use store::{DbHealth, DieselStore, OUTAGE_ACQUIRE_TIMEOUT, WaitObserver};
