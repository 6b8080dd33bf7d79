//! End-to-end tests: the whole application over real HTTP on SQLite and PostgreSQL.
//!
//! One test binary per crate: every file here is a module, so the
//! dependencies are linked once rather than once per file (build time and
//! disk; CI once ran out of disk linking sixty-odd binaries).

mod actual_times;
mod admission;
mod approval_waitlist;
mod attendance;
mod auto_end;
mod calendar;
mod chat;
mod concurrency;
mod controls;
mod cors;
mod events;
mod idempotency;
mod interactions;
mod join_links;
mod join_page;
mod metrics;
mod outage;
mod polls;
mod provider_accounts;
mod provider_webhooks;
mod questions;
mod reconciliation;
mod recordings;
mod schedules;
mod seed000;
mod streams;
mod transport_errors;
mod values;
mod video;
mod webhooks;
