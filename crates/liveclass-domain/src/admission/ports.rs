//! The port that stores requests, the waitlist and bans.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{Decision, JoinRequest, RequestId, WaitlistEntry};
use crate::class::Participation;
use crate::ids::{ClassId, TenantId, UserId};
use crate::store::RepoError;

/// The result of asking to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestOutcome {
    /// A new pending request.
    Created(JoinRequest),
    /// The user had asked before: their request as it stands.
    Existing(JoinRequest),
}

/// The result of deciding one request.
#[derive(Debug, Clone, PartialEq, Eq)]
// Returned once per decision and consumed at once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum DecideOutcome {
    /// The request as it is now; `removed` is the participation a withdrawn
    /// approval ended (the user was in the class).
    Decided {
        /// The request.
        request: JoinRequest,
        /// The stay a withdrawal ended, if the user was in the class.
        removed: Option<Participation>,
    },
    /// No such request in the class.
    NotFound,
}

/// The result of a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveOutcome {
    /// The user is banned from the class; `ended` is their stay if they were
    /// in it (it ended with reason `removed`).
    Removed {
        /// The stay the removal ended, if any.
        ended: Option<Participation>,
    },
    /// No such class in the tenant.
    NotFound,
}

/// Stores requests to join, the waitlist and bans. Every write appends its
/// class event in its own transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AdmissionRepository: Send + Sync {
    /// Stores a pending request, or returns the user's existing one.
    /// Appends `join_request.created` for a new one.
    async fn request_to_join(&self, request: &JoinRequest) -> Result<RequestOutcome, RepoError>;

    /// The class's requests, oldest first.
    async fn list_requests(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<JoinRequest>, RepoError>;

    /// The user's request to join the class, if any.
    async fn find_request(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<JoinRequest>, RepoError>;

    /// Decides one request, atomically: approving sets it `approved`;
    /// rejecting sets it `rejected` and, if the user is in the class (a
    /// withdrawn approval), ends their stay with reason
    /// `approval_withdrawn` and drops them from the waitlist, handing their
    /// seat to the first in line. Appends `join_request.approved` or
    /// `join_request.rejected` (and `participant.left`).
    async fn decide(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        request: RequestId,
        decision: Decision,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<DecideOutcome, RepoError>;

    /// Bans the user from the class (idempotent), atomically with ending
    /// their stay (reason `removed`, the seat going to the first in line) and
    /// dropping them from the waitlist. Appends `participant.removed` (and
    /// `participant.left`).
    async fn remove(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<RemoveOutcome, RepoError>;

    /// The users waiting for the class, first in line first.
    async fn waitlist(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<WaitlistEntry>, RepoError>;

    /// The user's latest waitlist entry for the class, with their position
    /// while waiting.
    async fn my_entry(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<WaitlistEntry>, RepoError>;

    /// Takes the user out of the line; `false` when they were not in it.
    /// Appends `waitlist.left`.
    async fn leave_waitlist(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError>;
}
