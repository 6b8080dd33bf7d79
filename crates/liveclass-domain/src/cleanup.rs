//! Provider clean-ups that must not be lost: deleting a cancelled class's
//! room, ending an ended class's meeting. A provider failure never blocks the
//! class's own state change; the clean-up is stored instead and retried by
//! [`ProviderCleanups::run_once`], which a background task of the server
//! calls periodically. Several processes may run it against one database:
//! [`CleanupQueue::claim_due`] hands each due clean-up to one caller only.

use std::sync::Arc;

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::class::RepoError;
use crate::clock::Clock;
use crate::ids::{ClassId, TenantId};
use crate::video::{Room, VideoError, VideoProvider};

/// What to do to the provider's room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupAction {
    DeleteRoom,
    EndMeeting,
}

impl CleanupAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DeleteRoom => "delete_room",
            Self::EndMeeting => "end_meeting",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::DeleteRoom, Self::EndMeeting]
            .into_iter()
            .find(|a| a.as_str() == raw)
    }
}

/// A clean-up to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCleanup {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub class_id: ClassId,
    pub action: CleanupAction,
    pub room: Room,
    /// Attempts so far, the claim that returned this one included.
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// Stores pending clean-ups.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CleanupQueue: Send + Sync {
    /// Stores `cleanup` (its `attempts` counts the failed first try), due
    /// at `due_at`.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected` when it cannot be stored.
    async fn enqueue(
        &self,
        cleanup: &PendingCleanup,
        due_at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// Claims up to `limit` clean-ups due at `now`. Each claim is atomic per
    /// row: its due time moves to `now + lease` and its attempts go up by
    /// one only if it is still due, so a row is claimed by one caller, from
    /// any process; a caller that dies leaves it due again after the lease.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<PendingCleanup>, RepoError>;

    /// Removes a clean-up that is done.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn complete(&self, id: Uuid) -> Result<(), RepoError>;

    /// Makes a failed clean-up due again at `due_at`, recording why it failed.
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    async fn reschedule(
        &self,
        id: Uuid,
        due_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), RepoError>;
}

/// How clean-ups are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupPolicy {
    /// How long a claimed clean-up belongs to its claimer.
    pub lease: Duration,
    /// Clean-ups handled per run.
    pub batch: u32,
    /// The delay after the first failure; it doubles per attempt.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// After this many failed attempts a clean-up is dropped with an error
    /// log: a failure that outlives a day of retries (30 s doubling to
    /// hourly) is not transient, and needs a person.
    pub max_attempts: u32,
}

impl Default for CleanupPolicy {
    fn default() -> Self {
        // A clean-up takes at most ~35 s (10 s timeout, three attempts,
        // backoff): five of them fit well inside the lease, so a slow run
        // does not lose its rows to another process mid-way.
        Self {
            lease: Duration::minutes(5),
            batch: 5,
            first_delay: Duration::seconds(30),
            max_delay: Duration::hours(1),
            max_attempts: 36,
        }
    }
}

impl CleanupPolicy {
    /// The wait before attempt `attempts + 1`: `first_delay · 2^(attempts-1)`,
    /// at most `max_delay`.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        (self.first_delay * 2_i32.pow(doublings)).min(self.max_delay)
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanupReport {
    pub done: usize,
    pub failed: usize,
    /// Given up after `max_attempts`.
    pub abandoned: usize,
}

/// Runs due clean-ups against the video provider.
pub struct ProviderCleanups {
    queue: Arc<dyn CleanupQueue>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    policy: CleanupPolicy,
}

impl ProviderCleanups {
    pub fn new(
        queue: Arc<dyn CleanupQueue>,
        video: Arc<dyn VideoProvider>,
        clock: Arc<dyn Clock>,
        policy: CleanupPolicy,
    ) -> Self {
        Self {
            queue,
            video,
            clock,
            policy,
        }
    }

    /// Claims the due clean-ups and runs each once: done ones are removed,
    /// failed ones rescheduled with exponential backoff.
    ///
    /// # Errors
    /// The queue's errors; a provider failure is not an error of the run.
    pub async fn run_once(&self) -> Result<CleanupReport, RepoError> {
        let claimed = self
            .queue
            .claim_due(self.clock.now(), self.policy.lease, self.policy.batch)
            .await?;
        let mut report = CleanupReport::default();
        for cleanup in claimed {
            match self.attempt(&cleanup).await {
                Ok(()) => {
                    self.queue.complete(cleanup.id).await?;
                    tracing::info!(
                        class_id = %cleanup.class_id,
                        action = cleanup.action.as_str(),
                        attempts = cleanup.attempts,
                        "video provider clean-up done"
                    );
                    report.done += 1;
                }
                Err(e) if cleanup.attempts >= self.policy.max_attempts => {
                    tracing::error!(
                        class_id = %cleanup.class_id,
                        room = %cleanup.room.external_id,
                        provider = %cleanup.room.provider,
                        action = cleanup.action.as_str(),
                        attempts = cleanup.attempts,
                        error = %e,
                        "giving up on a video provider clean-up; clean the room up by hand"
                    );
                    self.queue.complete(cleanup.id).await?;
                    report.abandoned += 1;
                }
                Err(e) => {
                    let due = self.clock.now() + self.policy.delay_after(cleanup.attempts);
                    tracing::warn!(
                        class_id = %cleanup.class_id,
                        action = cleanup.action.as_str(),
                        attempts = cleanup.attempts,
                        error = %e,
                        retry_at = %due,
                        "video provider clean-up failed; will retry"
                    );
                    self.queue
                        .reschedule(cleanup.id, due, &e.to_string())
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    async fn attempt(&self, cleanup: &PendingCleanup) -> Result<(), VideoError> {
        if cleanup.room.provider != self.video.name() {
            // The deployment changed providers: this one cannot reach the
            // room, and no later attempt will either.
            tracing::error!(
                class_id = %cleanup.class_id,
                room_provider = %cleanup.room.provider,
                provider = self.video.name(),
                "dropping a clean-up for another video provider's room"
            );
            return Ok(());
        }
        let result = match cleanup.action {
            CleanupAction::DeleteRoom => self.video.delete_room(&cleanup.room).await,
            CleanupAction::EndMeeting => self.video.end_meeting(&cleanup.room).await,
        };
        match result {
            // Gone already, or nothing to end: done either way.
            Err(VideoError::NotFound | VideoError::Unsupported) => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use mockall::predicate::eq;
    use time::macros::datetime;

    use super::*;
    use crate::clock::FixedClock;
    use crate::video::MockVideoProvider;

    const NOW: OffsetDateTime = datetime!(2030-01-01 10:00 UTC);

    fn pending(attempts: u32) -> PendingCleanup {
        PendingCleanup {
            id: Uuid::from_u128(7),
            tenant_id: TenantId::parse("acme").unwrap(),
            class_id: ClassId::from_uuid(Uuid::from_u128(1)),
            action: CleanupAction::DeleteRoom,
            room: Room {
                provider: "daily".into(),
                external_id: "room-1".into(),
                join_url: "https://x.daily.co/room-1".into(),
                host_url: None,
                password: None,
            },
            attempts,
            last_error: None,
        }
    }

    fn video(result: fn() -> Result<(), VideoError>) -> MockVideoProvider {
        let mut video = MockVideoProvider::new();
        video.expect_name().return_const("daily");
        video
            .expect_delete_room()
            .times(1)
            .returning(move |_| result());
        video
    }

    fn cleanups(queue: MockCleanupQueue, video: MockVideoProvider) -> ProviderCleanups {
        ProviderCleanups::new(
            Arc::new(queue),
            Arc::new(video),
            Arc::new(FixedClock::at(NOW)),
            CleanupPolicy::default(),
        )
    }

    #[tokio::test]
    async fn a_clean_up_that_succeeds_is_removed_from_the_queue() {
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_claim_due()
            .with(eq(NOW), eq(Duration::minutes(5)), eq(5))
            .returning(|_, _, _| Ok(vec![pending(2)]));
        queue
            .expect_complete()
            .with(eq(Uuid::from_u128(7)))
            .times(1)
            .returning(|_| Ok(()));
        let report = cleanups(queue, video(|| Ok(()))).run_once().await.unwrap();
        assert_eq!(
            report,
            CleanupReport {
                done: 1,
                ..CleanupReport::default()
            }
        );
    }

    #[tokio::test]
    async fn a_room_the_provider_no_longer_has_counts_as_cleaned_up() {
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_claim_due()
            .returning(|_, _, _| Ok(vec![pending(1)]));
        queue.expect_complete().times(1).returning(|_| Ok(()));
        let report = cleanups(queue, video(|| Err(VideoError::NotFound)))
            .run_once()
            .await
            .unwrap();
        assert_eq!(report.done, 1);
    }

    #[tokio::test]
    async fn a_clean_up_that_fails_again_is_rescheduled_with_a_doubled_delay() {
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_claim_due()
            .returning(|_, _, _| Ok(vec![pending(3)]));
        queue
            .expect_reschedule()
            .withf(|id, due, error| {
                *id == Uuid::from_u128(7)
                    && *due == NOW + Duration::minutes(2)
                    && error.contains("unavailable")
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let report = cleanups(
            queue,
            video(|| Err(VideoError::Unavailable("Daily answered 503".into()))),
        )
        .run_once()
        .await
        .unwrap();
        assert_eq!(
            report,
            CleanupReport {
                failed: 1,
                ..CleanupReport::default()
            }
        );
    }

    #[tokio::test]
    async fn a_clean_up_failing_for_its_last_allowed_attempt_is_given_up() {
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_claim_due()
            .returning(|_, _, _| Ok(vec![pending(36)]));
        queue.expect_complete().times(1).returning(|_| Ok(()));
        let report = cleanups(queue, video(|| Err(VideoError::Invalid("no".into()))))
            .run_once()
            .await
            .unwrap();
        assert_eq!(report.abandoned, 1);
    }

    #[test]
    fn the_retry_delay_doubles_per_attempt_up_to_an_hour() {
        let p = CleanupPolicy::default();
        assert_eq!(p.delay_after(1), Duration::seconds(30));
        assert_eq!(p.delay_after(2), Duration::seconds(60));
        assert_eq!(p.delay_after(4), Duration::seconds(240));
        assert_eq!(p.delay_after(30), Duration::hours(1));
    }
}
