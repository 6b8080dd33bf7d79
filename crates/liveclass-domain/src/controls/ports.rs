//! The participant controls' repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{ControlsChange, ParticipantControls, ParticipantState};
use crate::class::{ClassStatus, CoHostChange, CoHostRefusal, LiveClass};
use crate::ids::{ClassId, TenantId, UserId};
use crate::store::RepoError;

/// The result of a co-host change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoHostOutcome {
    /// The co-hosts changed; the class as it is now (its event appended).
    Changed(Box<LiveClass>),
    /// Nothing to change (already a co-host, or not one); no event.
    Unchanged(Box<LiveClass>),
    /// The class refuses the change.
    Refused(CoHostRefusal),
    /// No such class in the tenant.
    NotFound,
}

/// The result of a change to one participation's controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlsOutcome {
    /// The participation with its controls after the change (changed or
    /// not: an idempotent change appends no event).
    Done(Box<ParticipantState>),
    /// The user has no active participation in the class.
    NotParticipating,
    /// The class is not live; its status.
    NotLive(ClassStatus),
    /// No such class in the tenant.
    NotFound,
}

/// The result of "mute all".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MuteAllOutcome {
    /// The participants whose controls changed, as they are now (one
    /// `participant.updated` each).
    Muted(Vec<ParticipantState>),
    /// The class is not live; its status.
    NotLive(ClassStatus),
    /// No such class in the tenant.
    NotFound,
}

/// Stores co-hosts and participation controls. Every change appends its
/// class event in the same transaction; a change that changes nothing
/// appends none.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ControlsRepository: Send + Sync {
    /// Grants or revokes `user`'s co-host role, under the class row's
    /// exclusive lock, as [`LiveClass::co_hosts_after`] decides on the class
    /// as read under that lock; appends `co_host.granted` or
    /// `co_host.revoked` (with `by`).
    async fn change_co_host(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        change: CoHostChange,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<CoHostOutcome, RepoError>;

    /// The class with its active participations and their controls, ordered
    /// by `joined_at`; `None` for an unknown class or another tenant's.
    async fn participant_states(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Option<(LiveClass, Vec<ParticipantState>)>, RepoError>;

    /// The controls of `user`'s active participation in the class, if any.
    async fn controls_of(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<ParticipantControls>, RepoError>;

    /// Applies `change` ([`ParticipantControls::apply`]) to `user`'s active
    /// participation, only if the class is live when the write happens (the
    /// class row is locked like a leave's, so no end slips in between);
    /// appends the events its effect calls for, with `by`.
    async fn change_controls(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        change: ControlsChange,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<ControlsOutcome, RepoError>;

    /// Forbids the microphone (and the camera when `camera_too`) of every
    /// active participant [`super::model::muted_by_mute_all`] reaches, as the
    /// class is when the write happens, in one transaction, if the class is
    /// live; one `participant.updated` per participant changed.
    async fn mute_all(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        camera_too: bool,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<MuteAllOutcome, RepoError>;
}
