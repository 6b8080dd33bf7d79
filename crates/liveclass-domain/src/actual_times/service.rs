//! The actual-times use case.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::RecordActualTimeError;
use super::model::{ActualTime, ActualTimesPolicy, check};
use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass, TransitionOutcome};
use crate::clock::Clock;
use crate::ids::ClassId;

/// The actual-times use case, as the HTTP layer calls it.
/// [`ActualTimesService`] is the implementation; with the `mocks` feature,
/// `MockActualTimes` replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ActualTimes: Send + Sync {
    /// Records `time` on the class: a start makes it live, an end ends it
    /// and closes its open participations at that instant.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, a broken rule (see [`super::check`]), `Store`.
    async fn record(
        &self,
        caller: &Caller,
        id: ClassId,
        time: ActualTime,
    ) -> Result<LiveClass, RecordActualTimeError>;
}

/// Records actual times.
pub struct ActualTimesService {
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    policy: ActualTimesPolicy,
}

impl ActualTimesService {
    /// The service over the class store, a clock and its policy.
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
}

#[async_trait]
impl ActualTimes for ActualTimesService {
    /// Records `time` on the class: a start makes it live, an end ends it
    /// and closes its open participations at that instant.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, a broken rule (see [`check`]), `Store`.
    async fn record(
        &self,
        caller: &Caller,
        id: ClassId,
        time: ActualTime,
    ) -> Result<LiveClass, RecordActualTimeError> {
        // Existence within the caller's tenant first: another tenant's class
        // is 404 whatever the caller's role.
        let class = self
            .classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(RecordActualTimeError::NotFound)?;
        if !caller.can_manage_classes() {
            return Err(RecordActualTimeError::Forbidden);
        }
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
