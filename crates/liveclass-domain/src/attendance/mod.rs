//! Attendance: who was in a class, when, for how long, and how that counts
//! (`present`, `late`, `left_early`, `absent`).
//!
//! - `model`: the stays (LiveClass's own participations and the provider's
//!   sessions), their union per person, and the pure report
//!   ([`compute`]); `course`: a course's classes side by side, Moodle's
//!   shape ([`course_matrix`]).
//! - `ports`: [`AttendanceRepository`], the attendance store: each
//!   attendee's [`Engagement`] (messages, questions, upvotes, poll votes,
//!   reactions, hand raises) and the reconciliations.
//! - `reconcile`: [`AttendanceReconciler`], the worker that merges the video
//!   provider's own participant report once a class has ended and makes its
//!   attendance `final`.
//! - `settings`: a tenant's own grace periods ([`AttendanceSettings`]),
//!   set by its organisation admins; the server's apply otherwise.
//! - `service`: [`Attendances`], the per-class report for the class's
//!   moderators, reading the stores the stays and the expected users live
//!   in (participations, provider sessions, course rosters, approvals) and
//!   the engagement counts.

mod course;
mod errors;
mod model;
mod ports;
mod reconcile;
mod service;
mod settings;
#[cfg(test)]
mod tests;

pub use course::{CourseAttendance, CourseRow, MAX_COURSE_CLASSES, course_matrix};
pub use errors::{AttendanceError, CourseAttendanceError};
pub use model::{
    AttendancePolicy, AttendanceReport, AttendanceRow, AttendanceState, AttendanceStatus, Source,
    Stay, compute, union_seconds,
};
pub use ports::{AttendanceRepository, Engagement};
pub use reconcile::{
    AttendanceReconciler, AttendanceSummary, FinalOutcome, ProviderReport, ReconcilePolicy,
    ReconcileRun, Reconciliation, ReconciliationStatus, summarise,
};
pub use service::{AttendanceService, AttendanceStores, Attendances};
pub use settings::{
    AttendanceSettings, AttendanceSettingsError, MAX_GRACE_MINUTES, TenantAttendancePolicy,
    grace_periods,
};

#[cfg(any(test, feature = "mocks"))]
pub use ports::MockAttendanceRepository;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockAttendances;
