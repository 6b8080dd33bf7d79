//! Recurring schedules (seed 001's cohort timeslots) and the classes they
//! generate. See [`expand`] for the time-zone, DST and month-end rules.
//!
//! # Creating or changing a schedule is self-completing
//!
//! Each generated class gets a video room made at the provider, a network
//! call that no database transaction may wait on. So `POST /schedules` (and
//! `PATCH`) runs in three steps, none holding a transaction across a
//! provider call:
//!
//! 1. the schedule row is written with its generation *pending*, due at
//!    `now + `[`GENERATION_LEASE`] (the request owns it until then);
//! 2. the rooms of the missing occurrences are made at the provider;
//! 3. one transaction ([`ScheduleRepository::apply_generation`]) inserts the
//!    classes and clears the pending mark of the schedule version the plan
//!    was made from.
//!
//! A process that dies after step 1, or a provider or store failure in
//! step 2 or 3 (the request answers the error; the schedule stays stored),
//! leaves the schedule pending. The generation worker that every server runs
//! under its supervisor ([`Schedules::complete_pending`]) claims pending
//! schedules whose due instant has passed — the claim moves the due instant
//! forward by the lease, so one process at a time owns a schedule — and
//! generates them; the first pass after a restart does the same. Generation
//! is idempotent: the database's unique key on (schedule, occurrence date)
//! gives each occurrence one class however often and however concurrently it
//! is generated, and the rooms made for occurrences that already had a class
//! are deleted again. A crash between step 2 and 3 can leave rooms at the
//! provider that no class uses (as any failed provider clean-up can); it
//! never leaves a class without its room.

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
    GENERATION_BATCH, GENERATION_LEASE, GenerationReport, SchedulePatch, ScheduleService,
    ScheduleView, Schedules, UPCOMING_LIMIT,
};
