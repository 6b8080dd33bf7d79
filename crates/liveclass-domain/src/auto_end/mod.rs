//! Auto-end (seed 001): classes still live some time after their planned
//! end are ended, exactly as a teacher's end would end them.
//!
//! Several server processes may run the worker at once. Each end goes
//! through [`ClassRepository::mark_ended`], a conditional `UPDATE … WHERE
//! status = 'live'` in one transaction with the closing of participations:
//! the first process to reach a class ends it, the others find it ended and
//! do nothing, so no class is ended twice and no participation is closed
//! twice.

use std::sync::Arc;

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::class::{ClassRepository, RepoError, TransitionOutcome};
use crate::clock::Clock;
use crate::ids::{ClassId, TenantId};

/// Finds overdue classes, across tenants.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AutoEndRepository: Send + Sync {
    /// Claims live classes whose `scheduled_end` is before `cutoff`, oldest
    /// planned end first, at most `limit`, for `lease` from `now`: a class
    /// claimed by one caller (in any process) is not returned to another
    /// until its lease has expired, so several servers never do the same
    /// work. Classes without a planned end are never returned.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn claim_overdue_classes(
        &self,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<(TenantId, ClassId)>, RepoError>;
}

/// When a class counts as overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoEndPolicy {
    /// How long after `scheduled_end` a live class is ended (default 30 min).
    pub grace: Duration,
    /// Classes handled per pass.
    pub batch: u32,
    /// How long a pass owns the classes it claimed; should a process die
    /// mid-pass, another takes them over after this.
    pub lease: Duration,
}

impl Default for AutoEndPolicy {
    fn default() -> Self {
        Self {
            grace: Duration::minutes(30),
            batch: 100,
            lease: Duration::minutes(5),
        }
    }
}

/// Ends overdue classes.
pub struct AutoEndService {
    overdue: Arc<dyn AutoEndRepository>,
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    policy: AutoEndPolicy,
}

impl AutoEndService {
    pub fn new(
        overdue: Arc<dyn AutoEndRepository>,
        classes: Arc<dyn ClassRepository>,
        clock: Arc<dyn Clock>,
        policy: AutoEndPolicy,
    ) -> Self {
        Self {
            overdue,
            classes,
            clock,
            policy,
        }
    }

    /// One pass: ends every class overdue now (up to a batch) and returns
    /// how many this call ended; classes another process ended first are not
    /// counted.
    ///
    /// # Errors
    /// The first store failure; classes before it were ended.
    pub async fn run_once(&self) -> Result<u32, RepoError> {
        let now = self.clock.now();
        let candidates = self
            .overdue
            .claim_overdue_classes(
                now - self.policy.grace,
                now,
                self.policy.lease,
                self.policy.batch,
            )
            .await?;
        let mut ended = 0;
        for (tenant, id) in candidates {
            match self.classes.mark_ended(&tenant, id, now).await? {
                TransitionOutcome::Changed(_) => {
                    tracing::info!(class_id = %id, tenant = %tenant, "auto-ended an overdue class");
                    ended += 1;
                }
                // Ended (or moved) by someone else meanwhile.
                TransitionOutcome::StatusWas(_) | TransitionOutcome::NotFound => {}
            }
        }
        Ok(ended)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::class::ClassStatus;
    use crate::class::ports::MockClassRepository;
    use crate::clock::FixedClock;

    const NOW: OffsetDateTime = datetime!(2030-03-04 22:00 UTC);

    fn id(n: u128) -> ClassId {
        ClassId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[tokio::test]
    async fn overdue_classes_are_ended_through_the_teachers_end_path_at_now() {
        let mut overdue = MockAutoEndRepository::new();
        overdue
            .expect_claim_overdue_classes()
            .withf(|cutoff, now, lease, limit| {
                *cutoff == NOW - Duration::minutes(30)
                    && *now == NOW
                    && *lease == Duration::minutes(5)
                    && *limit == 100
            })
            .returning(|_, _, _, _| {
                let t = TenantId::parse("t").unwrap();
                Ok(vec![(t.clone(), id(1)), (t, id(2))])
            });
        let mut classes = MockClassRepository::new();
        classes
            .expect_mark_ended()
            .withf(|_, class, at| *class == id(1) && *at == NOW)
            .times(1)
            .returning(|_, _, _| Ok(TransitionOutcome::StatusWas(ClassStatus::Ended)));
        classes
            .expect_mark_ended()
            .withf(|_, class, at| *class == id(2) && *at == NOW)
            .times(1)
            .returning(|_, _, _| Ok(TransitionOutcome::NotFound));
        let service = AutoEndService::new(
            Arc::new(overdue),
            Arc::new(classes),
            Arc::new(FixedClock::at(NOW)),
            AutoEndPolicy::default(),
        );
        // Both were handled by someone else first: nothing counted.
        assert_eq!(service.run_once().await.unwrap(), 0);
    }
}
