//! Recurring schedules (seed 001's cohort timeslots) and the classes they
//! generate. See [`expand`] for the time-zone, DST and month-end rules.

pub mod errors;
pub mod expand;
mod model;
pub mod ports;
mod service;

pub use expand::TooManyOccurrences;
pub use model::{
    ClassDuration, CourseId, Frequency, LocalStartTime, Occurrence, OccurrenceRef, Recurrence,
    Schedule, ScheduleId, ScheduleInput, SchedulePolicy, ScheduleSpec, ScheduleTimeZone,
    format_date, parse_date, parse_weekday, weekday_code,
};
pub use ports::{ClassTemplate, GenerationOutcome, GenerationPlan, ScheduleRepository};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockSchedules;
pub use service::{
    GenerationReport, SchedulePatch, ScheduleService, ScheduleView, Schedules, UPCOMING_LIMIT,
};
