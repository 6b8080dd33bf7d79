//! One handler per file, grouped by resource.

pub mod actual_times;
pub mod admission;
pub mod attendance_settings;
pub mod calendar;
pub mod controls;
pub mod courses;
pub mod health;
pub mod interactions;
pub mod join_links;
pub mod live_classes;
pub mod me;
pub mod polls;
pub mod provider_accounts;
pub mod provider_events;
pub mod provider_webhooks;
pub mod reactions;
pub mod recordings;
pub mod resources;
pub mod schedules;
pub mod webhooks;
