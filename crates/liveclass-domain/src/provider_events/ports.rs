//! The provider-event inbox's ports.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::model::{
    IncomingProviderEvent, ProviderEvent, ProviderEventStatus, ProviderSession, ProviderSignal,
    ReceiveOutcome, RoomRef, SessionRef,
};
use crate::class::LiveClass;
use crate::ids::{ClassId, TenantId, UserId};
use crate::store::RepoError;

/// Stores provider deliveries (the inbox), the provider sessions they
/// report, and finds the class that owns a provider's room.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProviderEventRepository: Send + Sync {
    /// Stores a verified delivery, due at once, unless one with the same
    /// provider and external id is stored already (then that one's id, and
    /// nothing changes): a replayed delivery is handled once. Atomic, so
    /// concurrent copies of one delivery store one row.
    async fn record_provider_event(
        &self,
        event: &IncomingProviderEvent,
    ) -> Result<ReceiveOutcome, RepoError>;

    /// Claims up to `limit` deliveries due at `now` (status `received`),
    /// oldest first: each one's due time moves to `now + lease` and its
    /// attempts go up by one, so of concurrent claimers, in any process,
    /// one gets it.
    async fn claim_provider_events(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, RepoError>;

    /// Records how handling ended: `status` (`processed`, `ignored` or
    /// `failed`), why (`note`), the class it mapped to, at `at`; the
    /// delivery is no longer due.
    async fn finish_provider_event(
        &self,
        id: Uuid,
        status: ProviderEventStatus,
        note: Option<String>,
        class: Option<(TenantId, ClassId)>,
        at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// Keeps a delivery whose handling failed `received`, due again at
    /// `due_at`, with the error.
    async fn retry_provider_event(
        &self,
        id: Uuid,
        due_at: OffsetDateTime,
        error: String,
    ) -> Result<(), RepoError>;

    /// The tenant's deliveries (those mapped to one of its classes), newest
    /// first, optionally of one status, at most `limit`.
    async fn list_provider_events(
        &self,
        tenant: &TenantId,
        status: Option<ProviderEventStatus>,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, RepoError>;

    /// Makes one of the tenant's deliveries `received` and due at `now`
    /// again (its attempts start over); `None` when the tenant has no such
    /// delivery.
    async fn reprocess_provider_event(
        &self,
        tenant: &TenantId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<ProviderEvent>, RepoError>;

    /// The class whose provider room is `room`, in whichever tenant owns
    /// it (a room belongs to one class).
    async fn class_for_room(&self, room: &RoomRef) -> Result<Option<LiveClass>, RepoError>;

    /// Upserts a provider session of `class`: keeps the earliest `joined`
    /// and the latest `left` seen under its key, whatever order they come
    /// in; sets the user when `user` is given and the name when known.
    #[allow(clippy::too_many_arguments)]
    async fn record_provider_session(
        &self,
        class: &LiveClass,
        provider: &str,
        session: &SessionRef,
        user: Option<UserId>,
        joined: Option<OffsetDateTime>,
        left: Option<OffsetDateTime>,
    ) -> Result<ProviderSession, RepoError>;

    /// Every provider session of the class, in order of joining.
    async fn provider_sessions_of_class(
        &self,
        class_id: ClassId,
    ) -> Result<Vec<ProviderSession>, RepoError>;

    /// Every provider session of the classes given, ordered by class, then
    /// joining (one query per 500 classes).
    async fn provider_sessions_of_classes(
        &self,
        class_ids: &[ClassId],
    ) -> Result<Vec<ProviderSession>, RepoError>;

    /// The session stored under `key`, if any.
    async fn provider_session(
        &self,
        class_id: ClassId,
        provider: &str,
        key: &str,
    ) -> Result<Option<ProviderSession>, RepoError>;
}

/// Reads a provider's delivery bodies: implemented next to the provider
/// adapters (`liveclass-video`), which know the providers' formats.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ProviderPayloads: Send + Sync {
    /// What `body` (a verified delivery of `provider`) means.
    ///
    /// # Errors
    /// A description of what is wrong with the body; such a delivery is
    /// stored as `failed`.
    fn decode(&self, provider: &str, body: &str) -> Result<ProviderSignal, String>;

    /// The key `provider` knows `user` by, as its deliveries echo it (for
    /// Daily, the meeting token's `user_id`).
    fn user_key(&self, provider: &str, user: &UserId) -> String;
}
