//! Recorded times and the rules they must follow.

use time::{Duration, OffsetDateTime};

use super::errors::RecordActualTimeError;
use crate::class::{ClassStatus, LiveClass};

/// How far a recorded time may be from now (the seed's "within 2 minutes").
pub const NOW_TOLERANCE: Duration = Duration::minutes(2);
/// How old a recorded end may be.
pub const MAX_END_AGE: Duration = Duration::hours(24);

/// Which time to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualTime {
    /// When the class actually started.
    StartedAt(OffsetDateTime),
    /// When the class actually ended.
    EndedAt(OffsetDateTime),
}

/// Limits on recorded times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActualTimesPolicy {
    /// The shortest class: `endedAt - startedAt` (default 30 minutes).
    pub min_duration: Duration,
}

impl Default for ActualTimesPolicy {
    fn default() -> Self {
        Self {
            min_duration: Duration::minutes(30),
        }
    }
}

/// Checks a recorded time against the class and `now`.
///
/// # Errors
/// The first rule broken, in the order of [`RecordActualTimeError`].
pub fn check(
    class: &LiveClass,
    time: ActualTime,
    now: OffsetDateTime,
    policy: &ActualTimesPolicy,
) -> Result<(), RecordActualTimeError> {
    use RecordActualTimeError as E;
    if class.status == ClassStatus::Cancelled {
        return Err(E::Cancelled);
    }
    match time {
        ActualTime::StartedAt(at) => {
            if class.started_at.is_some() || class.status != ClassStatus::Scheduled {
                return Err(E::StartedAtAlreadySet);
            }
            if (at - now).abs() > NOW_TOLERANCE {
                return Err(E::StartedAtNotNow);
            }
        }
        ActualTime::EndedAt(at) => {
            let Some(started) = class.started_at else {
                return Err(E::StartedAtNotSet);
            };
            if class.status == ClassStatus::Ended {
                return Err(E::EndedAtAlreadySet);
            }
            if at <= started {
                return Err(E::EndedAtBeforeStart);
            }
            if at - started < policy.min_duration {
                return Err(E::EndedAtTooSoon {
                    minutes: policy.min_duration.whole_minutes(),
                });
            }
            if now - at > MAX_END_AGE {
                return Err(E::EndedAtTooOld);
            }
            if at - now > NOW_TOLERANCE {
                return Err(E::EndedAtInFuture);
            }
        }
    }
    Ok(())
}
