//! The recordings' repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{Grant, Recording, RecordingFile, RecordingId, RecordingStatus, Visibility};
use crate::class::LiveClass;
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

/// A provider's report that a recording of a class is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRecordingReady {
    /// The provider's id of the recording.
    pub provider_recording_id: String,
    /// The id for a recording LiveClass did not know yet.
    pub new_id: RecordingId,
    /// When it started, if the provider says.
    pub started_at: Option<OffsetDateTime>,
    /// Its length, if the provider says.
    pub duration_seconds: Option<i64>,
    /// Its files, if the provider lists them (stored with the change to
    /// `ready`).
    pub files: Vec<RecordingFile>,
    /// When the provider reported it.
    pub at: OffsetDateTime,
}

/// What a provider's report did to the class's recordings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderRecordingOutcome {
    /// A recording changed (its event appended); as it is now.
    Changed(Box<Recording>),
    /// The recording is in that state already (or deleted): nothing
    /// written.
    Unchanged(Box<Recording>),
    /// No recording of the class the report could concern.
    NoRecording,
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

    /// The provider reports a recording of `class` ready, in one
    /// transaction: the class's recording with that provider id, else its
    /// oldest running or processing recording the provider has not named
    /// yet (a start through LiveClass), else a new one (a recording started
    /// in the provider's own app), becomes `ready` with `recording.ready`
    /// — once: a recording already ready or deleted is left alone.
    async fn provider_recording_ready(
        &self,
        class: &LiveClass,
        report: &ProviderRecordingReady,
    ) -> Result<ProviderRecordingOutcome, RepoError>;

    /// The provider reports a recording of `class` failed: the one with
    /// that provider id, else the class's newest running or processing one,
    /// becomes `failed` with the reason and `recording.failed`, if it is
    /// still running or processing.
    async fn provider_recording_failed(
        &self,
        class: &LiveClass,
        provider_recording_id: Option<String>,
        reason: String,
        at: OffsetDateTime,
    ) -> Result<ProviderRecordingOutcome, RepoError>;
}
