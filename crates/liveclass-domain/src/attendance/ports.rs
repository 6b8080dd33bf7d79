//! Where attendance keeps what it owns: each attendee's activity counts
//! (engagement) and, per ended class, the reconciliation with the video
//! provider's own report.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::reconcile::{FinalOutcome, Reconciliation};
use super::settings::TenantAttendancePolicy;
use crate::events::NewEvent;
use crate::ids::{ClassId, TenantId, UserId};
use crate::store::RepoError;

/// One person's activity in one class: BigBlueButton's learning-dashboard
/// columns (messages, questions, upvotes, poll votes, reactions, hand
/// raises).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Chat messages they posted that are still in the chat (a message
    /// deleted by its author or a moderator does not count).
    pub messages: u32,
    /// Questions they asked under their name, still in the chat. An
    /// anonymous question is never counted: the count would tell who asked.
    pub questions: u32,
    /// Questions they upvoted.
    pub upvotes: u32,
    /// Polls they voted in (one per poll, however often they changed the
    /// vote; anonymous polls too: whether someone voted is not what they
    /// chose).
    pub poll_votes: u32,
    /// Reactions they sent.
    pub reactions: u32,
    /// Times they raised their hand.
    pub hand_raises: u32,
}

/// The attendance store.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AttendanceRepository: Send + Sync {
    /// Every user's activity in the class, by user id (users with none are
    /// left out), in a fixed number of queries whatever the class's size.
    async fn engagement_of_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<(UserId, Engagement)>, RepoError>;

    /// Leases up to `limit` pending reconciliations that are due at `now`
    /// for `lease` (see the persistence crate's `claim!`), oldest first.
    async fn claim_reconciliations(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reconciliation>, RepoError>;

    /// Makes a pending reconciliation due again at `due_at`; with an
    /// `error`, counts a failed attempt and keeps the error.
    async fn reschedule_reconciliation(
        &self,
        class_id: ClassId,
        due_at: OffsetDateTime,
        error: Option<String>,
    ) -> Result<(), RepoError>;

    /// Makes a pending reconciliation final with `outcome` and appends
    /// `event` (if any) in the same transaction. Returns `false`, changing
    /// nothing, when it was final already.
    async fn finalize_reconciliation(
        &self,
        class_id: ClassId,
        outcome: FinalOutcome,
        event: Option<NewEvent>,
    ) -> Result<bool, RepoError>;

    /// The tenant's own grace periods, if set.
    async fn tenant_attendance_policy(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<TenantAttendancePolicy>, RepoError>;

    /// Sets (`Some`) or clears (`None`) the tenant's own grace periods.
    async fn set_tenant_attendance_policy(
        &self,
        tenant: &TenantId,
        policy: Option<TenantAttendancePolicy>,
    ) -> Result<(), RepoError>;

    /// The reconciliations of the classes given (those that have one).
    async fn reconciliations(
        &self,
        tenant: &TenantId,
        classes: &[ClassId],
    ) -> Result<Vec<Reconciliation>, RepoError>;
}
