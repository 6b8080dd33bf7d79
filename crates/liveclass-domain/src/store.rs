//! What every store shares: the storage error of every repository port, and
//! [`Store`], every repository port in one trait object.

use crate::admission::AdmissionRepository;
use crate::attendance::AttendanceRepository;
use crate::auto_end::AutoEndRepository;
use crate::calendar::CalendarTokenRepository;
use crate::class::{ClassRepository, ParticipationRepository};
use crate::controls::ControlsRepository;
use crate::events::ClassEventRepository;
use crate::idempotency::IdempotencyRepository;
use crate::interaction::{
    MessageRepository, PollRepository, ReactionRepository, ReadRepository, ResourceRepository,
};
use crate::join_link::JoinLinkRepository;
use crate::provider_accounts::ProviderAccountRepository;
use crate::provider_events::ProviderEventRepository;
use crate::recording::RecordingRepository;
use crate::roster::RosterRepository;
use crate::schedule::ScheduleRepository;
use crate::webhooks::WebhookRepository;

/// A storage failure with no business meaning. Every repository port
/// returns it; an adapter translates its own errors into it at its edge and
/// keeps the cause.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The database could not be reached in time (pool exhausted, server down).
    /// Worth retrying later.
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug, a broken invariant, corrupt data.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Every repository port the services need, in one object: an adapter that
/// implements them all is a `Store` (blanket impl) and is handed to
/// [`crate::app::Ports`] as `Arc<dyn Store>`. A new capability's port is
/// added to the supertraits here.
pub trait Store:
    ClassRepository
    + ParticipationRepository
    + ClassEventRepository
    + ScheduleRepository
    + JoinLinkRepository
    + CalendarTokenRepository
    + AutoEndRepository
    + IdempotencyRepository
    + WebhookRepository
    + RecordingRepository
    + MessageRepository
    + PollRepository
    + ReactionRepository
    + ResourceRepository
    + ReadRepository
    + RosterRepository
    + AdmissionRepository
    + ProviderAccountRepository
    + ControlsRepository
    + ProviderEventRepository
    + AttendanceRepository
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: ClassRepository
        + ParticipationRepository
        + ClassEventRepository
        + ScheduleRepository
        + JoinLinkRepository
        + CalendarTokenRepository
        + AutoEndRepository
        + IdempotencyRepository
        + WebhookRepository
        + RecordingRepository
        + MessageRepository
        + PollRepository
        + ReactionRepository
        + ResourceRepository
        + ReadRepository
        + RosterRepository
        + AdmissionRepository
        + ProviderAccountRepository
        + ControlsRepository
        + ProviderEventRepository
        + AttendanceRepository
        + Send
        + Sync
{
}
