//! Actual start and end times recorded by staff (seed 001's update rules):
//! `startedAt` once, within ±2 minutes of now; `endedAt` after `startedAt`,
//! at least a minimum class length after it, not more than 24 hours ago and
//! not in the future. Recording them moves the class along its lifecycle
//! through the same repository calls as a teacher's start and end, so an
//! end closes every open participation exactly as `POST …/end` does.

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass, RepoError, TransitionOutcome};
use crate::clock::Clock;
use crate::ids::ClassId;

/// How far a recorded time may be from now (the seed's "within 2 minutes").
pub const NOW_TOLERANCE: Duration = Duration::minutes(2);
/// How old a recorded end may be.
pub const MAX_END_AGE: Duration = Duration::hours(24);

/// Which time to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualTime {
    StartedAt(OffsetDateTime),
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

/// Each refusal carries the seed's slug (as snake_case) in the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum RecordActualTimeError {
    #[error("Only training managers and organisation admins can record class times")]
    Forbidden,
    #[error("Live class not found")]
    NotFound,
    #[error("This class was cancelled")]
    Cancelled,
    #[error("This class has already been started")]
    StartedAtAlreadySet,
    #[error("You can only start a class within 2 minutes of the current time")]
    StartedAtNotNow,
    #[error("The class must be started before you can end it")]
    StartedAtNotSet,
    #[error("This class has already ended")]
    EndedAtAlreadySet,
    #[error("endedAt must be after startedAt")]
    EndedAtBeforeStart,
    #[error("You cannot end a class less than {minutes} minutes after it started")]
    EndedAtTooSoon { minutes: i64 },
    #[error("endedAt cannot be more than 24 hours in the past")]
    EndedAtTooOld,
    #[error("endedAt cannot be in the future")]
    EndedAtInFuture,
    #[error(transparent)]
    Store(#[from] RepoError),
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

/// Records actual times.
pub struct ActualTimesService {
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    policy: ActualTimesPolicy,
}

impl ActualTimesService {
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        clock: Arc<dyn Clock>,
        policy: ActualTimesPolicy,
    ) -> Self {
        Self {
            classes,
            clock,
            policy,
        }
    }

    /// Records `time` on the class: a start makes it live, an end ends it
    /// and closes its open participations at that instant.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, a broken rule (see [`check`]), `Store`.
    pub async fn record(
        &self,
        caller: &Caller,
        id: ClassId,
        time: ActualTime,
    ) -> Result<LiveClass, RecordActualTimeError> {
        if !caller.can_manage_classes() {
            return Err(RecordActualTimeError::Forbidden);
        }
        let class = self
            .classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(RecordActualTimeError::NotFound)?;
        check(&class, time, self.clock.now(), &self.policy)?;
        let outcome = match time {
            ActualTime::StartedAt(at) => {
                self.classes
                    .mark_started(&caller.tenant_id, id, crate::clock::truncate_to_micros(at))
                    .await?
            }
            ActualTime::EndedAt(at) => {
                self.classes
                    .mark_ended(&caller.tenant_id, id, crate::clock::truncate_to_micros(at))
                    .await?
            }
        };
        match (outcome, time) {
            (TransitionOutcome::Changed(class), _) => Ok(*class),
            (TransitionOutcome::NotFound, _) => Err(RecordActualTimeError::NotFound),
            // Another request moved the class first.
            (TransitionOutcome::StatusWas(ClassStatus::Cancelled), _) => {
                Err(RecordActualTimeError::Cancelled)
            }
            (TransitionOutcome::StatusWas(_), ActualTime::StartedAt(_)) => {
                Err(RecordActualTimeError::StartedAtAlreadySet)
            }
            (TransitionOutcome::StatusWas(_), ActualTime::EndedAt(_)) => {
                Err(RecordActualTimeError::EndedAtAlreadySet)
            }
        }
    }
}

#[cfg(test)]
mod tests;
