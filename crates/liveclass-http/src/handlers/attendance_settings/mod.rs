//! `/attendance-settings`: the tenant's own attendance grace periods
//! (read by managers, set and reset by organisation admins); without them
//! the server's `LIVECLASS_ATTENDANCE_*` apply.

pub mod get;
pub mod put;
pub mod reset;
