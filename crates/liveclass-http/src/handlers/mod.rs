//! One handler per file, grouped by resource.

pub mod health;
pub mod join_links;
pub mod live_classes;
pub mod schedules;
