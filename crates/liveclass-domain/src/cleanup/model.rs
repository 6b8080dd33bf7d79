//! Pending clean-ups and how they are retried.

use time::Duration;
use uuid::Uuid;

use crate::ids::{ClassId, TenantId};
use crate::video::Room;

/// What to do to the provider's room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupAction {
    /// Delete the room (its class was cancelled).
    DeleteRoom,
    /// End the meeting (its class ended).
    EndMeeting,
    /// Delete a recording at the provider (`PendingCleanup::recording`).
    DeleteRecording,
}

impl CleanupAction {
    /// The action's name, as stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DeleteRoom => "delete_room",
            Self::EndMeeting => "end_meeting",
            Self::DeleteRecording => "delete_recording",
        }
    }

    /// The action named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::DeleteRoom, Self::EndMeeting, Self::DeleteRecording]
            .into_iter()
            .find(|a| a.as_str() == raw)
    }
}

/// A clean-up to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCleanup {
    /// The id.
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// What to do to the room.
    pub action: CleanupAction,
    /// The provider's room.
    pub room: Room,
    /// The provider's recording id, for [`CleanupAction::DeleteRecording`].
    pub recording: Option<String>,
    /// Attempts so far, the claim that returned this one included.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
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
    /// The longest delay between attempts.
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
        crate::instant::doubling_delay(self.first_delay, self.max_delay, attempts)
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Clean-ups done.
    pub done: usize,
    /// Clean-ups that failed and will be retried.
    pub failed: usize,
    /// Given up after `max_attempts`.
    pub abandoned: usize,
}
