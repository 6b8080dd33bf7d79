//! Reading a class's events, and the log's background jobs.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::errors::ListEventsError;
use super::model::EventPage;
use super::ports::{ClassEventRepository, EventWakeups};
use crate::caller::Caller;
use crate::class::ClassRepository;
use crate::clock::Clock;
use crate::ids::ClassId;
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};

/// How long events are kept, and how many the sequencer numbers per pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLogPolicy {
    /// Events older than this are pruned (default 7 days).
    pub retention: Duration,
    /// The most events one sequencer pass numbers (default 5,000).
    pub sequence_batch: u32,
}

impl Default for EventLogPolicy {
    fn default() -> Self {
        Self {
            retention: Duration::from_secs(7 * 24 * 3600),
            sequence_batch: 5_000,
        }
    }
}

/// The largest page of events.
pub const MAX_EVENT_PAGE: u32 = 1_000;
/// The page size when none is asked for.
pub const DEFAULT_EVENT_PAGE: u32 = 100;

/// Reading a class's events.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ClassEvents: Send + Sync {
    /// The class's events after `after` (default 0: from the start of what
    /// is kept), at most `limit` (1..=1000, default 100). Anyone of the
    /// class's tenant may read them.
    ///
    /// # Errors
    /// `Invalid` (`after` < 0, `limit` out of range), `NotFound`, `Store`.
    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
        after: Option<i64>,
        limit: Option<i64>,
    ) -> Result<EventPage, ListEventsError>;
}

/// [`ClassEvents`] over the repositories.
pub struct ClassEventService {
    classes: Arc<dyn ClassRepository>,
    events: Arc<dyn ClassEventRepository>,
}

impl ClassEventService {
    /// The service over these repositories.
    pub fn new(classes: Arc<dyn ClassRepository>, events: Arc<dyn ClassEventRepository>) -> Self {
        Self { classes, events }
    }
}

/// Checks `after` and `limit` of an event read.
///
/// # Errors
/// `after` < 0, `limit` outside 1..=1000.
pub fn event_window(after: Option<i64>, limit: Option<i64>) -> Result<(u64, u32), ValidationError> {
    let after = u64::try_from(after.unwrap_or(0))
        .map_err(|_| ValidationError::new(Field::After, "must be 0 or more"))?;
    let limit = match limit {
        None => DEFAULT_EVENT_PAGE,
        Some(l) => u32::try_from(l)
            .ok()
            .filter(|l| (1..=MAX_EVENT_PAGE).contains(l))
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Limit,
                    format!("must be between 1 and {MAX_EVENT_PAGE}"),
                )
            })?,
    };
    Ok((after, limit))
}

#[async_trait]
impl ClassEvents for ClassEventService {
    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
        after: Option<i64>,
        limit: Option<i64>,
    ) -> Result<EventPage, ListEventsError> {
        let (after, limit) = event_window(after, limit)?;
        if self
            .classes
            .find(&caller.tenant_id, class_id)
            .await?
            .is_none()
        {
            return Err(ListEventsError::NotFound);
        }
        Ok(self
            .events
            .events_after(&caller.tenant_id, class_id, after, limit)
            .await?)
    }
}

/// The log's background jobs: the sequencer and the pruning.
pub struct EventLogJobs {
    events: Arc<dyn ClassEventRepository>,
    wakeups: Arc<dyn EventWakeups>,
    clock: Arc<dyn Clock>,
    policy: EventLogPolicy,
}

impl EventLogJobs {
    /// The jobs over this repository, waking `wakeups` after each pass.
    pub fn new(
        events: Arc<dyn ClassEventRepository>,
        wakeups: Arc<dyn EventWakeups>,
        clock: Arc<dyn Clock>,
        policy: EventLogPolicy,
    ) -> Self {
        Self {
            events,
            wakeups,
            clock,
            policy,
        }
    }

    /// One sequencer pass: numbers appended events and wakes the live
    /// readers of the classes whose logs grew; how many classes.
    ///
    /// # Errors
    /// `Store`.
    pub async fn sequence(&self) -> Result<usize, RepoError> {
        let grown = self
            .events
            .sequence_pending(self.policy.sequence_batch)
            .await?;
        if !grown.is_empty() {
            self.wakeups.wake(&grown);
        }
        Ok(grown.len())
    }

    /// Deletes events older than the retention; how many.
    ///
    /// # Errors
    /// `Store`.
    pub async fn prune(&self) -> Result<u64, RepoError> {
        let retention =
            time::Duration::try_from(self.policy.retention).unwrap_or(time::Duration::MAX);
        let before = crate::instant::earlier(self.clock.now(), retention);
        self.events.prune_events(before).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_windows_default_and_refuse_out_of_range_values() {
        assert_eq!(event_window(None, None), Ok((0, DEFAULT_EVENT_PAGE)));
        assert_eq!(event_window(Some(7), Some(1000)), Ok((7, 1000)));
        assert_eq!(
            event_window(Some(-1), None).unwrap_err().field,
            Field::After
        );
        assert_eq!(event_window(None, Some(0)).unwrap_err().field, Field::Limit);
        assert_eq!(
            event_window(None, Some(1001)).unwrap_err().field,
            Field::Limit
        );
    }
}
