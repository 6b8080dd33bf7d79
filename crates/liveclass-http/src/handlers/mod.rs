//! One handler per file, grouped by resource.

pub mod actual_times;
pub mod calendar;
pub mod health;
pub mod join_links;
pub mod live_classes;
pub mod provider_accounts;
pub mod schedules;
pub mod webhooks;
