//! The clean-up retrier.

use std::sync::Arc;

use super::model::{CleanupAction, CleanupPolicy, CleanupReport, PendingCleanup};
use super::ports::CleanupQueue;
use crate::clock::Clock;
use crate::store::RepoError;
use crate::video::{VideoError, VideoProvider};

/// Runs due clean-ups against the video provider.
pub struct ProviderCleanups {
    queue: Arc<dyn CleanupQueue>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    policy: CleanupPolicy,
}

impl ProviderCleanups {
    /// The retrier over the queue, the provider, a clock and its policy.
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
                    let due = crate::instant::later(
                        self.clock.now(),
                        self.policy.delay_after(cleanup.attempts),
                    );
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
            CleanupAction::DeleteRecording => match &cleanup.recording {
                Some(id) => self.video.delete_recording(&cleanup.room, id).await,
                None => {
                    tracing::error!(class_id = %cleanup.class_id, "dropping a recording deletion without a recording id");
                    Ok(())
                }
            },
        };
        match result {
            // Gone already, or nothing to end: done either way.
            Err(VideoError::NotFound | VideoError::Unsupported) => Ok(()),
            other => other,
        }
    }
}
