//! The recordings' repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{Grant, Recording, RecordingId, RecordingStatus, Visibility};
use crate::ids::{ClassId, TenantId};
use crate::store::RepoError;

/// The result of [`RecordingRepository::insert_started`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartOutcome {
    /// Stored, with its `recording.started` event.
    Started(Box<Recording>),
    /// Another recording of the class is running (`starting` or
    /// `recording`); nothing was written.
    AlreadyRunning,
}

/// The result of a conditional status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingChange {
    /// Changed; the recording as it is now.
    Changed(Box<Recording>),
    /// Its status did not allow the change (the status found).
    StatusWas(RecordingStatus),
    /// No such recording in the tenant.
    NotFound,
}

/// Stores recordings. Every change appends its class event
/// (`recording.started`, `recording.stopped`, `recording.deleted`) in the
/// same transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RecordingRepository: Send + Sync {
    /// Stores a new `starting` recording, **atomically** refusing it
    /// (`AlreadyRunning`) when another recording of the class is running:
    /// the database allows one running recording per class, whatever the
    /// number of concurrent starts.
    async fn insert_started(&self, recording: &Recording) -> Result<StartOutcome, RepoError>;

    /// The recording with this id in this tenant, with its grants.
    async fn find_recording(
        &self,
        tenant: &TenantId,
        id: RecordingId,
    ) -> Result<Option<Recording>, RepoError>;

    /// The class's recordings (deleted ones left out), oldest first.
    async fn list_recordings(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<Recording>, RepoError>;

    /// `starting | recording → processing`, setting `stopped_at` (and the
    /// duration when it started), only if it is still running when the
    /// write happens.
    async fn mark_recording_stopped(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError>;

    /// `starting → failed` with the reason, only if still `starting`
    /// (the provider refused the start).
    async fn mark_recording_failed(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError>;

    /// Sets the visibility and replaces every grant, unless deleted.
    async fn set_recording_access(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        visibility: Visibility,
        grants: &[Grant],
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError>;

    /// Any status but `deleted` → `deleted`, removing its grants.
    async fn mark_recording_deleted(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError>;
}
