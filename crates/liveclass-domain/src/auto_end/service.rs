//! The auto-end use case.

use std::sync::Arc;

use super::model::AutoEndPolicy;
use super::ports::AutoEndRepository;
use crate::class::{ClassRepository, TransitionOutcome};
use crate::clock::Clock;
use crate::store::RepoError;

/// Ends overdue classes.
pub struct AutoEndService {
    overdue: Arc<dyn AutoEndRepository>,
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    policy: AutoEndPolicy,
}

impl AutoEndService {
    /// The service over its ports, a clock and its policy.
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
                crate::instant::earlier(now, self.policy.grace),
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
