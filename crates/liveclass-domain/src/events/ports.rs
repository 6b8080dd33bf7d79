//! The event log's ports.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{EventPage, Sequenced};
use crate::ids::{ClassId, TenantId};
use crate::store::RepoError;

/// Reads, sequences and prunes the class event log. Events are *appended*
/// by the repository writes that make the changes (same transaction), not
/// through this port.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ClassEventRepository: Send + Sync {
    /// The class's sequenced events with `seq > after`, in order, at most
    /// `limit`, with the log's last sequence number. `reset` when events
    /// after `after` were pruned (the reader missed some).
    async fn events_after(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        after: u64,
        limit: u32,
    ) -> Result<EventPage, RepoError>;

    /// Numbers committed, unnumbered events, at most `max` in one pass, and
    /// returns the classes whose log grew. **Contract:** per class, numbers
    /// are 1, 2, 3, … without gaps; a pass numbers the events it sees in the
    /// order they were appended, after every number already given (an event
    /// that commits late gets a later number, never one below what a reader
    /// has seen); an event caused by another is numbered after it. Safe to
    /// call from several processes at once.
    async fn sequence_pending(&self, max: u32) -> Result<Vec<Sequenced>, RepoError>;

    /// Deletes sequenced events that happened before `before` (never the
    /// ones an outgoing delivery still needs); how many.
    async fn prune_events(&self, before: OffsetDateTime) -> Result<u64, RepoError>;
}

/// Tells live readers that classes' logs grew (the events themselves are
/// read from the log: a wake-up carries no data, and a lost one only
/// delays). The server's implementation wakes this process's streams;
/// other processes learn it from the database (PostgreSQL `NOTIFY`).
pub trait EventWakeups: Send + Sync {
    /// The logs of these classes grew.
    fn wake(&self, classes: &[Sequenced]);
}

/// Wakes nobody (a deployment without live streams, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoWakeups;

impl EventWakeups for NoWakeups {
    fn wake(&self, _classes: &[Sequenced]) {}
}
