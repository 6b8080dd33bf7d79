//! The recording use cases.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;

use super::errors::RecordingError;
use super::model::{
    Access, AccessContext, Grant, Recording, RecordingId, RecordingStatus, Visibility, access,
};
use super::ports::{RecordingChange, RecordingRepository, StartOutcome};
use crate::caller::Caller;
use crate::class::{
    ClassRepository, ClassStatus, LiveClass, ParticipationRepository, TransitionOutcome,
};
use crate::cleanup::{CleanupAction, CleanupQueue, PendingCleanup};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator};
use crate::validation::{Field, ValidationError};
use crate::video::{RecordingLink, VideoError, VideoProvider};

/// The most grants one recording may have.
pub const MAX_GRANTS: usize = 100;

/// Command of [`Recordings::set_access`]: the whole access, replacing the
/// current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAccess {
    /// Who may see it.
    pub visibility: Visibility,
    /// Grants to named users (at most [`MAX_GRANTS`], one per user).
    pub grants: Vec<Grant>,
}

/// The recording use cases, as the HTTP layer (or an embedding service)
/// calls them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Recordings: Send + Sync {
    /// Starts a recording of the class, by its creator only, where the
    /// class's provider can record. A scheduled class is started first
    /// (seed 002); one recording runs at a time per class. The recording
    /// is `starting` until the provider confirms it.
    ///
    /// # Errors
    /// `ClassNotFound`, `NotCreator`, `NotSupported`, `ClassFinished`,
    /// `AlreadyRunning`, `Video` (the recording is then `failed`), `Store`.
    async fn start(&self, caller: &Caller, class_id: ClassId) -> Result<Recording, RecordingError>;

    /// Stops a running recording, by the class's creator only. The class
    /// stays as it is: stopping a recording never ends a class.
    ///
    /// # Errors
    /// `ClassNotFound`, `NotFound` (also a recording of another class),
    /// `NotCreator`, `NotRunning`, `Video`, `Store`.
    async fn stop(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: RecordingId,
    ) -> Result<Recording, RecordingError>;

    /// The class's recordings (its `external` one included), each with what
    /// the caller may do with it.
    ///
    /// # Errors
    /// `ClassNotFound`, `Store`.
    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<(Recording, Access)>, RecordingError>;

    /// One recording the caller may see.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's, or deleted), `Forbidden`, `Store`.
    async fn get(
        &self,
        caller: &Caller,
        id: RecordingId,
    ) -> Result<(Recording, Access), RecordingError>;

    /// Where the caller's short-lived link leads right now: a link the
    /// provider issues at this moment (Daily's access link), or the class's
    /// seed-000 URL for an `external` recording. Access is checked again
    /// here, so a grant that lapsed or was removed closes links already
    /// handed out; `download` needs download rights.
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `NotReady`, `NotSupported` (the provider
    /// issues no links), `Video`, `Store`.
    async fn open(
        &self,
        caller: &Caller,
        id: RecordingId,
        download: bool,
    ) -> Result<RecordingLink, RecordingError>;

    /// Replaces a recording's visibility and grants (the class's creator
    /// and organisation admins).
    ///
    /// # Errors
    /// `Invalid` grants, `NotFound`, `Forbidden`, `External`, `Store`.
    async fn set_access(
        &self,
        caller: &Caller,
        id: RecordingId,
        command: SetAccess,
    ) -> Result<(Recording, Access), RecordingError>;

    /// Deletes a recording here and at the provider (the class's creator
    /// and organisation admins). A provider failure does not undo the
    /// deletion: it is queued and retried with the other provider
    /// clean-ups.
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `External`, `Store`.
    async fn delete(&self, caller: &Caller, id: RecordingId) -> Result<(), RecordingError>;
}

/// The recording use cases over their ports.
pub struct RecordingService {
    recordings: Arc<dyn RecordingRepository>,
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    cleanups: Option<Arc<dyn CleanupQueue>>,
}

impl RecordingService {
    /// The service over its ports. Without [`Self::with_cleanup_queue`], a
    /// failed provider deletion is only logged.
    pub fn new(
        recordings: Arc<dyn RecordingRepository>,
        classes: Arc<dyn ClassRepository>,
        participations: Arc<dyn ParticipationRepository>,
        video: Arc<dyn VideoProvider>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            recordings,
            classes,
            participations,
            video,
            clock,
            ids,
            cleanups: None,
        }
    }

    /// Queues failed provider deletions in `queue`.
    #[must_use]
    pub fn with_cleanup_queue(mut self, queue: Arc<dyn CleanupQueue>) -> Self {
        self.cleanups = Some(queue);
        self
    }

    async fn class(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, RecordingError> {
        self.classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(RecordingError::ClassNotFound)
    }

    /// Whether the caller was ever admitted to the class (read only when a
    /// `participants` visibility needs it).
    async fn participated(
        &self,
        caller: &Caller,
        class: &LiveClass,
    ) -> Result<bool, RecordingError> {
        Ok(self
            .participations
            .list_for_class(&caller.tenant_id, class.id, false)
            .await?
            .iter()
            .any(|p| p.user_id == caller.user_id))
    }

    async fn access_of(
        &self,
        caller: &Caller,
        class: &LiveClass,
        recordings: &[&Recording],
    ) -> Result<Vec<Access>, RecordingError> {
        let needs_participation = recordings
            .iter()
            .any(|r| r.visibility == Visibility::Participants);
        let participated = needs_participation && self.participated(caller, class).await?;
        let ctx = AccessContext {
            caller,
            class_creator: &class.created_by,
            participated,
            now: self.clock.now(),
        };
        Ok(recordings.iter().map(|r| access(r, ctx)).collect())
    }

    /// The recording (a stored one, else the class's external one) and its
    /// class, deleted ones left out.
    async fn find(
        &self,
        caller: &Caller,
        id: RecordingId,
    ) -> Result<(Recording, LiveClass), RecordingError> {
        if let Some(recording) = self
            .recordings
            .find_recording(&caller.tenant_id, id)
            .await?
            .filter(|r| r.status != RecordingStatus::Deleted)
        {
            let class = self
                .classes
                .find(&caller.tenant_id, recording.class_id)
                .await?
                .ok_or(RecordingError::NotFound)?;
            return Ok((recording, class));
        }
        let class_id = ClassId::from_uuid(id.as_uuid());
        let class = self
            .classes
            .find(&caller.tenant_id, class_id)
            .await?
            .ok_or(RecordingError::NotFound)?;
        let external = Recording::external(&class).ok_or(RecordingError::NotFound)?;
        Ok((external, class))
    }

    fn check_grants(&self, grants: &[Grant]) -> Result<(), ValidationError> {
        if grants.len() > MAX_GRANTS {
            return Err(ValidationError::new(
                Field::Grants,
                format!("must have at most {MAX_GRANTS} entries"),
            ));
        }
        let mut users = HashSet::new();
        for grant in grants {
            if !users.insert(&grant.user_id) {
                return Err(ValidationError::new(
                    Field::Grants,
                    format!("has two grants for user `{}`", grant.user_id.as_str()),
                ));
            }
            if let Some(expires) = grant.expires_at {
                crate::instant::parse(Field::ExpiresAt, expires)?;
                if expires <= self.clock.now() {
                    return Err(ValidationError::new(
                        Field::ExpiresAt,
                        "must be in the future",
                    ));
                }
            }
        }
        Ok(())
    }

    async fn delete_at_provider(&self, class: &LiveClass, recording: &Recording) {
        let Some(provider_id) = &recording.provider_recording_id else {
            // The provider never told us its id: nothing to delete there
            // that we could name.
            return;
        };
        let error = match self.video.delete_recording(&class.room, provider_id).await {
            Ok(()) | Err(VideoError::NotFound | VideoError::Unsupported) => return,
            Err(e) => e,
        };
        tracing::warn!(recording_id = %recording.id, error = %error, "provider recording deletion failed");
        let Some(queue) = &self.cleanups else {
            tracing::error!(recording_id = %recording.id, "no clean-up queue: the deletion will not be retried");
            return;
        };
        let pending = PendingCleanup {
            id: self.ids.new_uuid(),
            tenant_id: class.tenant_id.clone(),
            class_id: class.id,
            action: CleanupAction::DeleteRecording,
            room: class.room.clone(),
            recording: Some(provider_id.clone()),
            attempts: 1,
            last_error: Some(error.to_string()),
        };
        if let Err(e) = queue.enqueue(&pending, self.clock.now()).await {
            tracing::error!(recording_id = %recording.id, error = %e, "could not queue a failed recording deletion; it will not be retried");
        }
    }
}

#[async_trait]
impl Recordings for RecordingService {
    async fn start(&self, caller: &Caller, class_id: ClassId) -> Result<Recording, RecordingError> {
        let class = self.class(caller, class_id).await?;
        if !class.is_creator(&caller.user_id) {
            return Err(RecordingError::NotCreator);
        }
        if !self.video.capabilities().recording || class.room.provider != self.video.name() {
            return Err(RecordingError::NotSupported(class.room.provider.clone()));
        }
        let now = self.clock.now();
        match class.status {
            ClassStatus::Live => {}
            ClassStatus::Scheduled => {
                // Seed 002: recording a scheduled class starts it. A
                // concurrent start that won is just as good.
                match self
                    .classes
                    .mark_started(&caller.tenant_id, class_id, now)
                    .await?
                {
                    TransitionOutcome::Changed(_)
                    | TransitionOutcome::StatusWas(ClassStatus::Live) => {}
                    TransitionOutcome::StatusWas(other) => {
                        return Err(RecordingError::ClassFinished(other));
                    }
                    TransitionOutcome::NotFound => return Err(RecordingError::ClassNotFound),
                }
            }
            other => return Err(RecordingError::ClassFinished(other)),
        }
        let recording = Recording {
            id: RecordingId::from_uuid(self.ids.new_uuid()),
            tenant_id: caller.tenant_id.clone(),
            class_id,
            provider: class.room.provider.clone(),
            provider_recording_id: None,
            status: RecordingStatus::Starting,
            visibility: Visibility::DEFAULT,
            started_by: Some(caller.user_id.clone()),
            started_at: Some(now),
            stopped_at: None,
            duration_seconds: None,
            failure: None,
            external_url: None,
            grants: Vec::new(),
            files: Vec::new(),
            created_at: now,
            updated_at: now,
        };
        let recording = match self.recordings.insert_started(&recording).await? {
            StartOutcome::Started(r) => *r,
            StartOutcome::AlreadyRunning => return Err(RecordingError::AlreadyRunning),
        };
        if let Err(e) = self.video.start_recording(&class.room).await {
            // The slot is freed and the failure is on record.
            self.recordings
                .mark_recording_failed(
                    &caller.tenant_id,
                    recording.id,
                    &e.to_string(),
                    self.clock.now(),
                )
                .await?;
            return Err(RecordingError::Video(e));
        }
        Ok(recording)
    }

    async fn stop(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: RecordingId,
    ) -> Result<Recording, RecordingError> {
        let class = self.class(caller, class_id).await?;
        let recording = self
            .recordings
            .find_recording(&caller.tenant_id, id)
            .await?
            .filter(|r| r.class_id == class_id && r.status != RecordingStatus::Deleted)
            .ok_or(RecordingError::NotFound)?;
        if !class.is_creator(&caller.user_id) {
            return Err(RecordingError::NotCreator);
        }
        if !recording.status.is_running() {
            return Err(RecordingError::NotRunning(recording.status));
        }
        self.video
            .stop_recording(&class.room)
            .await
            .map_err(RecordingError::Video)?;
        match self
            .recordings
            .mark_recording_stopped(&caller.tenant_id, id, self.clock.now())
            .await?
        {
            RecordingChange::Changed(r) => Ok(*r),
            RecordingChange::StatusWas(s) => Err(RecordingError::NotRunning(s)),
            RecordingChange::NotFound => Err(RecordingError::NotFound),
        }
    }

    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<(Recording, Access)>, RecordingError> {
        let class = self.class(caller, class_id).await?;
        let mut recordings: Vec<Recording> = Recording::external(&class).into_iter().collect();
        recordings.extend(
            self.recordings
                .list_recordings(&caller.tenant_id, class_id)
                .await?,
        );
        let refs: Vec<&Recording> = recordings.iter().collect();
        let access = self.access_of(caller, &class, &refs).await?;
        Ok(recordings.into_iter().zip(access).collect())
    }

    async fn get(
        &self,
        caller: &Caller,
        id: RecordingId,
    ) -> Result<(Recording, Access), RecordingError> {
        let (recording, class) = self.find(caller, id).await?;
        let access = self.access_of(caller, &class, &[&recording]).await?[0];
        if !access.can_access {
            return Err(RecordingError::Forbidden);
        }
        Ok((recording, access))
    }

    async fn open(
        &self,
        caller: &Caller,
        id: RecordingId,
        download: bool,
    ) -> Result<RecordingLink, RecordingError> {
        let (recording, class) = self.find(caller, id).await?;
        let access = self.access_of(caller, &class, &[&recording]).await?[0];
        if !access.can_access || (download && !access.can_download) {
            return Err(RecordingError::Forbidden);
        }
        if let Some(url) = &recording.external_url {
            return Ok(RecordingLink {
                url: url.clone(),
                expires_at: None,
            });
        }
        let provider_id = match (&recording.provider_recording_id, recording.status) {
            (Some(id), RecordingStatus::Ready) => id,
            _ => return Err(RecordingError::NotReady),
        };
        if !self.video.capabilities().recording_link || recording.provider != self.video.name() {
            return Err(RecordingError::NotSupported(recording.provider.clone()));
        }
        self.video
            .recording_link(&class.room, provider_id)
            .await
            .map_err(RecordingError::Video)
    }

    async fn set_access(
        &self,
        caller: &Caller,
        id: RecordingId,
        command: SetAccess,
    ) -> Result<(Recording, Access), RecordingError> {
        let (recording, class) = self.find(caller, id).await?;
        let access = self.access_of(caller, &class, &[&recording]).await?[0];
        if !access.can_manage {
            return Err(RecordingError::Forbidden);
        }
        if recording.is_external() {
            return Err(RecordingError::External);
        }
        self.check_grants(&command.grants)?;
        match self
            .recordings
            .set_recording_access(
                &caller.tenant_id,
                id,
                command.visibility,
                &command.grants,
                self.clock.now(),
            )
            .await?
        {
            RecordingChange::Changed(r) => Ok((*r, access)),
            RecordingChange::StatusWas(_) | RecordingChange::NotFound => {
                Err(RecordingError::NotFound)
            }
        }
    }

    async fn delete(&self, caller: &Caller, id: RecordingId) -> Result<(), RecordingError> {
        let (recording, class) = self.find(caller, id).await?;
        let access = self.access_of(caller, &class, &[&recording]).await?[0];
        if !access.can_manage {
            return Err(RecordingError::Forbidden);
        }
        if recording.is_external() {
            return Err(RecordingError::External);
        }
        match self
            .recordings
            .mark_recording_deleted(&caller.tenant_id, id, self.clock.now())
            .await?
        {
            RecordingChange::Changed(deleted) => {
                self.delete_at_provider(&class, &deleted).await;
                Ok(())
            }
            RecordingChange::StatusWas(_) | RecordingChange::NotFound => {
                Err(RecordingError::NotFound)
            }
        }
    }
}
