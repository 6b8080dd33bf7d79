//! The Diesel adapters against real SQLite and PostgreSQL databases.
//!
//! One test binary per crate: every file here is a module, so the
//! dependencies are linked once rather than once per file (build time and
//! disk; CI once ran out of disk linking sixty-odd binaries).

mod admission;
mod common;
mod contract;
mod controls;
mod events;
mod idempotency;
mod messages;
mod polls;
mod provider_accounts;
mod provider_events;
mod reactions;
mod reads;
mod recordings;
mod resources;
mod rosters;
mod schedules_contract;
mod video;
mod waitlist;
mod webhooks;
