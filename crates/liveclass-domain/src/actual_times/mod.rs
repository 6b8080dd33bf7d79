//! Actual start and end times recorded by staff (seed 001's update rules):
//! `startedAt` once, within ±2 minutes of now; `endedAt` after `startedAt`,
//! at least a minimum class length after it, not more than 24 hours ago and
//! not in the future. Recording them moves the class along its lifecycle
//! through the same repository calls as a teacher's start and end, so an
//! end closes every open participation exactly as `POST …/end` does.

pub mod errors;
pub mod model;
pub mod service;

pub use errors::RecordActualTimeError;
pub use model::{ActualTime, ActualTimesPolicy, MAX_END_AGE, NOW_TOLERANCE, check};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockActualTimes;
pub use service::{ActualTimes, ActualTimesService};

#[cfg(test)]
mod tests;
