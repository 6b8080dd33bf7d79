//! The use cases of seed 000, one method each. Commands arrive parsed; the
//! service checks who may do what and the deployment's policy, reads the
//! clock, mints ids, and leaves every concurrency-sensitive decision to an
//! atomic repository call.

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::admission::{AdmissionPolicy, check_policy};
use super::capacity::{Capacity, ClassPolicy, seats_taken};
use super::errors::{
    CreateClassError, GetClassError, IssueTokenError, JoinClassError, LeaveClassError,
    ListClassesError, SetRecordingError, TransitionClassError, UpdateClassError,
};
use super::lifecycle::{TransitionError, ensure_edge};
use super::model::{ClassCounts, ClassStatus, Description, LiveClass, RecordingUrl, Title};
use super::participation::{ParticipantRole, Participation};
use super::ports::{
    AdmitOutcome, AdmitRequest, ClassFilter, ClassPage, ClassRepository, DetailsUpdate,
    PageRequest, ParticipationRepository, RecordingOutcome, TransitionOutcome, UpdateOutcome,
};
use crate::caller::Caller;
use crate::cleanup::{CleanupAction, CleanupQueue, PendingCleanup};
use crate::clock::Clock;
use crate::controls::{ControlsRepository, ParticipantControls};
use crate::ids::{ClassId, IdGenerator, RoomName, TenantId};
use crate::schedule::CourseId;
use crate::store::RepoError;
use crate::validation::Field;
use crate::video::{JoinCredentials, JoinRequest, RoomSpec, VideoError, VideoProvider};

/// Command of [`LiveClasses::create`]: every value parsed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateClass {
    /// When given, must be the caller's own tenant.
    pub tenant: Option<TenantId>,
    /// The class's title.
    pub title: Title,
    /// The class's description, if any.
    pub description: Option<Description>,
    /// When the class is planned to start.
    pub scheduled_at: OffsetDateTime,
    /// Defaults to the policy's default capacity; must not exceed the
    /// policy's maximum (the service checks it).
    pub capacity: Option<Capacity>,
    /// The course (cohort) the class belongs to, if any.
    pub course_id: Option<CourseId>,
    /// Who may join; `open` when absent. `roster` needs `course_id`.
    pub admission: Option<AdmissionPolicy>,
}

/// Command of [`LiveClasses::update`]: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateClass {
    /// A new title.
    pub title: Option<Title>,
    /// `Some(None)` removes the description.
    pub description: Option<Option<Description>>,
    /// A new planned start.
    pub scheduled_at: Option<OffsetDateTime>,
    /// A new capacity; must not exceed the policy's maximum nor go below the
    /// participants in the class now (the service checks both).
    pub capacity: Option<Capacity>,
    /// A new admission policy (applies to joins from now on; nobody in the
    /// class is removed). `roster` needs the class to have a course.
    pub admission: Option<AdmissionPolicy>,
}

/// Query of [`LiveClasses::list`]: which classes, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListClasses {
    /// Which classes.
    pub filter: ClassFilter,
    /// Which page.
    pub page: PageRequest,
}

/// A class with its counts and all its participations, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDetails {
    /// The class.
    pub class: LiveClass,
    /// How many are in it.
    pub counts: ClassCounts,
    /// Its participations, oldest first.
    pub participations: Vec<Participation>,
}

/// A class and its active participations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantsView {
    /// The class.
    pub class: LiveClass,
    /// Its active participations.
    pub active: Vec<Participation>,
    /// The controls of each of `active`, in the same order.
    pub controls: Vec<ParticipantControls>,
}

/// The result of a join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The class.
    pub class: LiveClass,
    /// The caller's participation.
    pub participation: Participation,
    /// What the caller needs to enter the room.
    pub credentials: JoinCredentials,
    /// The caller was already in the class; nothing was written.
    pub already_joined: bool,
}

/// The result of [`LiveClasses::join_or_wait`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOrWait {
    /// In the class (as [`LiveClasses::join`] answers).
    Joined(Box<Joined>),
    /// In the class's waitlist.
    Waiting {
        /// 1 for the first in line.
        position: u64,
        /// The class's capacity.
        capacity: u32,
    },
}

/// The live-class use cases, as the HTTP layer (or an embedding service)
/// calls them. [`LiveClassService`] is the implementation; with the `mocks`
/// feature, `MockLiveClasses` replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LiveClasses: Send + Sync {
    /// The deployment's limits on classes.
    fn policy(&self) -> ClassPolicy;

    /// Creates a scheduled class and its video room. If the class cannot be
    /// stored, the room is deleted again, so nothing is left half-made.
    ///
    /// # Errors
    /// `Forbidden` without a managing role, `TenantMismatch`, `Invalid`
    /// (capacity above the policy's maximum), `Video` when the room cannot
    /// be made, `Store`.
    async fn create(
        &self,
        caller: &Caller,
        command: CreateClass,
    ) -> Result<LiveClass, CreateClassError>;

    /// The caller's tenant's classes, filtered and paged.
    ///
    /// # Errors
    /// `Invalid` filter (`from` after `to`), `Store`.
    async fn list(
        &self,
        caller: &Caller,
        query: ListClasses,
    ) -> Result<ClassPage, ListClassesError>;

    /// One class of the caller's tenant with all its participations.
    ///
    /// # Errors
    /// `NotFound` (also for another tenant's class), `Store`.
    async fn get(&self, caller: &Caller, id: ClassId) -> Result<ClassDetails, GetClassError>;

    /// The class's active participants.
    ///
    /// # Errors
    /// `NotFound`, `Store`.
    async fn participants(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<ParticipantsView, GetClassError>;

    /// `scheduled → live`, by the creator only.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not scheduled), `Store`.
    async fn start(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, TransitionClassError>;

    /// `live → ended`, by the creator only; closes every active
    /// participation, then ends the provider's meeting where it can (a
    /// provider failure does not undo the end: it is retried later).
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not live), `Store`.
    async fn end(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, TransitionClassError>;

    /// `scheduled → cancelled`, by the creator only, then deletes the room
    /// (retried later if the provider fails).
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not scheduled), `Store`.
    async fn cancel(&self, caller: &Caller, id: ClassId)
    -> Result<LiveClass, TransitionClassError>;

    /// Edits a scheduled or live class (its creator only) and brings its
    /// room in line; the provider is updated first, so if it fails nothing
    /// changes.
    ///
    /// # Errors
    /// `Invalid` capacity, `NotFound`, `NotCreator`, `Finished`,
    /// `BelowActive`, `Video`, `Store`.
    async fn update(
        &self,
        caller: &Caller,
        id: ClassId,
        command: UpdateClass,
    ) -> Result<(LiveClass, ClassCounts), UpdateClassError>;

    /// New join credentials for a caller who is in the live class now.
    ///
    /// # Errors
    /// `NotFound`, `NotLive`, `NotAdmitted`, `Removed`, `Video`, `Store`.
    async fn issue_token(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<(LiveClass, Participation, JoinCredentials), IssueTokenError>;

    /// Admits the caller into a live class, within capacity and the class's
    /// admission policy (checked with the class's bans and waitlist by the
    /// one atomic admission); a caller already in the class gets their
    /// participation back. The creator joins as teacher and passes every
    /// policy.
    ///
    /// If join credentials cannot be issued after the seat was taken, the
    /// seat stays taken and the error is returned: joining again is
    /// idempotent and retries the credentials without a second seat.
    ///
    /// # Errors
    /// `NotFound`, `NotLive`, `NotOnRoster`, `NotApproved`, `Removed`,
    /// `Full` (also for a user in the class's waitlist: see
    /// [`Self::join_or_wait`]), `Video`, `Store`.
    async fn join(&self, caller: &Caller, id: ClassId) -> Result<Joined, JoinClassError>;

    /// [`Self::join`], except that a full class puts the caller in its
    /// waitlist (`Waiting` with their position) instead of refusing, and a
    /// caller already in line gets their position. The first in line takes
    /// the next freed seat in the transaction that frees it.
    ///
    /// # Errors
    /// As [`Self::join`], without `Full`.
    async fn join_or_wait(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<JoinOrWait, JoinClassError>;

    /// Ends the caller's active participation and frees their seat.
    ///
    /// # Errors
    /// `NotFound`, `NotParticipating`, `Store`.
    async fn leave(&self, caller: &Caller, id: ClassId) -> Result<Participation, LeaveClassError>;

    /// Sets the recording URL of an ended class, once.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `NotEnded`, `AlreadySet`, `Store`.
    async fn set_recording(
        &self,
        caller: &Caller,
        id: ClassId,
        url: RecordingUrl,
    ) -> Result<LiveClass, SetRecordingError>;

    /// Succeeds when the store answers (readiness).
    ///
    /// # Errors
    /// The store's error.
    async fn ping_store(&self) -> Result<(), RepoError>;
}

/// The live-class use cases.
pub struct LiveClassService {
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: ClassPolicy,
    cleanups: Option<Arc<dyn CleanupQueue>>,
    controls: Option<Arc<dyn ControlsRepository>>,
}

impl LiveClassService {
    /// The service over its ports and policy. Without [`Self::with_cleanup_queue`], failed provider clean-ups are only logged.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        participations: Arc<dyn ParticipationRepository>,
        video: Arc<dyn VideoProvider>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: ClassPolicy,
    ) -> Self {
        Self {
            classes,
            participations,
            video,
            clock,
            ids,
            policy,
            cleanups: None,
            controls: None,
        }
    }

    /// Reads participant controls from `repo`: the participants list shows
    /// them and join credentials follow them (a muted participant's token
    /// starts muted). Without it every participant has the default controls.
    #[must_use]
    pub fn with_controls(mut self, repo: Arc<dyn ControlsRepository>) -> Self {
        self.controls = Some(repo);
        self
    }

    /// The controls of `caller`'s active participation in the class (the
    /// defaults without a controls repository or participation).
    async fn controls_of(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<ParticipantControls, RepoError> {
        Ok(match &self.controls {
            Some(repo) => repo
                .controls_of(&caller.tenant_id, id, &caller.user_id)
                .await?
                .unwrap_or_default(),
            None => ParticipantControls::default(),
        })
    }

    /// What the provider needs to issue `caller`'s credentials.
    fn join_request(
        caller: &Caller,
        class: &LiveClass,
        role: ParticipantRole,
        controls: ParticipantControls,
    ) -> JoinRequest {
        JoinRequest {
            user_id: caller.user_id.clone(),
            name: caller.name.clone(),
            role,
            co_host: class.is_co_host(&caller.user_id),
            mic_allowed: controls.mic_allowed,
            camera_allowed: controls.camera_allowed,
        }
    }

    /// Stores provider clean-ups that fail (room deletion, meeting end) in
    /// `queue` for [`crate::cleanup::ProviderCleanups`] to retry. Without a
    /// queue such failures are only logged.
    #[must_use]
    pub fn with_cleanup_queue(mut self, queue: Arc<dyn CleanupQueue>) -> Self {
        self.cleanups = Some(queue);
        self
    }

    /// Runs `action` on the class's room now; on failure stores it for a
    /// later retry (or logs it when there is no queue). Never fails.
    async fn clean_up(&self, class: &LiveClass, action: CleanupAction) {
        let result = match action {
            CleanupAction::DeleteRoom => self.video.delete_room(&class.room).await,
            CleanupAction::EndMeeting => self.video.end_meeting(&class.room).await,
            // Recording deletions are queued by the recording service.
            CleanupAction::DeleteRecording => return,
        };
        let error = match result {
            Ok(()) | Err(VideoError::NotFound | VideoError::Unsupported) => return,
            Err(e) => e,
        };
        tracing::warn!(
            class_id = %class.id,
            room = %class.room.external_id,
            action = action.as_str(),
            error = %error,
            "video provider clean-up failed"
        );
        let Some(queue) = &self.cleanups else {
            tracing::error!(class_id = %class.id, "no clean-up queue: the clean-up will not be retried");
            return;
        };
        let pending = PendingCleanup {
            id: self.ids.new_uuid(),
            tenant_id: class.tenant_id.clone(),
            class_id: class.id,
            action,
            room: class.room.clone(),
            recording: None,
            attempts: 1,
            last_error: Some(error.to_string()),
        };
        // Due at once: the background retrier's interval paces the retries.
        let due = self.clock.now();
        if let Err(e) = queue.enqueue(&pending, due).await {
            tracing::error!(class_id = %class.id, error = %e, "could not store a failed clean-up; it will not be retried");
        }
    }

    async fn transition(
        &self,
        caller: &Caller,
        id: ClassId,
        to: ClassStatus,
    ) -> Result<LiveClass, TransitionClassError> {
        let class = self
            .find(caller, id)
            .await?
            .ok_or(TransitionClassError::NotFound)?;
        class.check_transition(&caller.user_id, to)?;
        let now = self.clock.now();
        let outcome = match to {
            ClassStatus::Live => {
                self.classes
                    .mark_started(&caller.tenant_id, id, now)
                    .await?
            }
            ClassStatus::Cancelled => {
                self.classes
                    .mark_cancelled(&caller.tenant_id, id, now)
                    .await?
            }
            _ => self.classes.mark_ended(&caller.tenant_id, id, now).await?,
        };
        match outcome {
            TransitionOutcome::Changed(class) => Ok(*class),
            TransitionOutcome::StatusWas(from) => {
                // Another request moved the class first.
                Err(ensure_edge(from, to)
                    .err()
                    .unwrap_or(TransitionError::InvalidTransition {
                        action: "change",
                        from,
                        to,
                    })
                    .into())
            }
            TransitionOutcome::NotFound => Err(TransitionClassError::NotFound),
        }
    }

    async fn find(&self, caller: &Caller, id: ClassId) -> Result<Option<LiveClass>, RepoError> {
        self.classes.find(&caller.tenant_id, id).await
    }
}

#[async_trait]
impl LiveClasses for LiveClassService {
    fn policy(&self) -> ClassPolicy {
        self.policy
    }

    /// Creates a scheduled class and its video room. If the class cannot be
    /// stored, the room is deleted again, so nothing is left half-made.
    ///
    /// # Errors
    /// `Forbidden` without a managing role, `TenantMismatch`, `Invalid` input,
    /// `Video` when the room cannot be made, `Store`.
    async fn create(
        &self,
        caller: &Caller,
        command: CreateClass,
    ) -> Result<LiveClass, CreateClassError> {
        if !caller.can_manage_classes() {
            return Err(CreateClassError::Forbidden);
        }
        if command
            .tenant
            .as_ref()
            .is_some_and(|t| t != &caller.tenant_id)
        {
            return Err(CreateClassError::TenantMismatch);
        }
        let CreateClass {
            tenant: _,
            title,
            description,
            scheduled_at,
            capacity,
            course_id,
            admission,
        } = command;
        let scheduled_at = crate::instant::parse(Field::ScheduledAt, scheduled_at)?;
        let admission = admission.unwrap_or_default();
        check_policy(admission, course_id.is_some())?;
        let max_participants = match capacity {
            Some(c) => self.policy.check(c)?,
            None => self.policy.default_class_capacity(),
        };

        let now = self.clock.now();
        let id = self.ids.class_id();
        let room_id = self.ids.room_id();
        let spec = RoomSpec {
            class_id: id,
            tenant_id: caller.tenant_id.clone(),
            room_id: room_id.clone(),
            room_name: self.ids.room_name(),
            title: title.as_str().to_owned(),
            description: description.as_ref().map(|d| d.as_str().to_owned()),
            scheduled_at,
            max_participants: max_participants.get(),
        };
        let room = self
            .video
            .create_room(&spec)
            .await
            .map_err(CreateClassError::Video)?;

        let class = LiveClass {
            id,
            tenant_id: caller.tenant_id.clone(),
            created_by: caller.user_id.clone(),
            title,
            description,
            room_id,
            room,
            status: ClassStatus::Scheduled,
            scheduled_at,
            scheduled_end: None,
            course_id,
            occurrence: None,
            join_hash: self.ids.join_hash(),
            ical_sequence: 0,
            started_at: None,
            ended_at: None,
            max_participants,
            admission,
            co_hosts: Vec::new(),
            recording_url: None,
            created_at: now,
            updated_at: now,
        };
        if let Err(store_error) = self.classes.insert(&class).await {
            self.clean_up(&class, CleanupAction::DeleteRoom).await;
            return Err(store_error.into());
        }
        Ok(class)
    }

    /// The caller's tenant's classes, filtered and paged. A caller who does
    /// not manage classes sees only the classes they may join (`roster`
    /// classes of their courses' rosters, and their own).
    ///
    /// # Errors
    /// `Invalid` filter, `Store`.
    async fn list(
        &self,
        caller: &Caller,
        query: ListClasses,
    ) -> Result<ClassPage, ListClassesError> {
        query.filter.check()?;
        let filter = query.filter.seen_by(caller);
        Ok(self
            .classes
            .list(&caller.tenant_id, &filter, query.page)
            .await?)
    }

    /// One class of the caller's tenant with all its participations.
    ///
    /// # Errors
    /// `NotFound` (also for another tenant's class), `Store`.
    async fn get(&self, caller: &Caller, id: ClassId) -> Result<ClassDetails, GetClassError> {
        let (class, participations) = self
            .participations
            .roster(&caller.tenant_id, id, false)
            .await?
            .ok_or(GetClassError::NotFound)?;
        // Counted from the list just read, so the numbers match what is shown.
        let counts = counts_of(&participations);
        Ok(ClassDetails {
            class,
            counts,
            participations,
        })
    }

    /// The class's active participants.
    ///
    /// # Errors
    /// `NotFound`, `Store`.
    async fn participants(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<ParticipantsView, GetClassError> {
        if let Some(repo) = &self.controls {
            let (class, states) = repo
                .participant_states(&caller.tenant_id, id)
                .await?
                .ok_or(GetClassError::NotFound)?;
            let (active, controls) = states
                .into_iter()
                .map(|s| (s.participation, s.controls))
                .unzip();
            return Ok(ParticipantsView {
                class,
                active,
                controls,
            });
        }
        let (class, active) = self
            .participations
            .roster(&caller.tenant_id, id, true)
            .await?
            .ok_or(GetClassError::NotFound)?;
        let controls = vec![ParticipantControls::default(); active.len()];
        Ok(ParticipantsView {
            class,
            active,
            controls,
        })
    }

    /// `scheduled → live`, by the creator only, who then becomes the class's
    /// first participant (seed 004), in the seat the store holds for them.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not scheduled), `Store`.
    ///
    /// The creator is seated after the start commits: should that fail, the
    /// class is live all the same and their seat stays held, so their own
    /// join takes it.
    async fn start(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, TransitionClassError> {
        let class = self.transition(caller, id, ClassStatus::Live).await?;
        self.seat_creator(caller, &class).await;
        Ok(class)
    }

    /// `live → ended`, by the creator only; closes every active participation.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not live), `Store`.
    ///
    /// Then ends the provider's meeting where the provider can; a provider
    /// failure does not undo the end: the meeting end is retried later.
    async fn end(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, TransitionClassError> {
        let class = self.transition(caller, id, ClassStatus::Ended).await?;
        if self.video.capabilities().end_meeting {
            self.clean_up(&class, CleanupAction::EndMeeting).await;
        }
        Ok(class)
    }

    /// `scheduled → cancelled` (`DELETE`), by the creator only, then deletes
    /// the class's room. A provider failure does not undo the cancellation:
    /// the deletion is retried later.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not scheduled), `Store`.
    async fn cancel(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<LiveClass, TransitionClassError> {
        let class = self.transition(caller, id, ClassStatus::Cancelled).await?;
        self.clean_up(&class, CleanupAction::DeleteRoom).await;
        Ok(class)
    }

    /// Edits a scheduled or live class (its creator only) and brings its
    /// room in line. The provider is updated first: if it fails, nothing
    /// changes. The capacity can not go below the participants in the class
    /// at the moment of the write.
    ///
    /// # Errors
    /// `Invalid` input, `NotFound`, `NotCreator`, `Finished` (ended or
    /// cancelled), `BelowActive`, `Video`, `Store`.
    async fn update(
        &self,
        caller: &Caller,
        id: ClassId,
        command: UpdateClass,
    ) -> Result<(LiveClass, ClassCounts), UpdateClassError> {
        let (class, participations) = self
            .participations
            .roster(&caller.tenant_id, id, false)
            .await?
            .ok_or(UpdateClassError::NotFound)?;
        if !class.is_creator(&caller.user_id) {
            return Err(UpdateClassError::NotCreator);
        }
        // As read before the write; the store re-checks capacity at the write.
        let counts = counts_of(&participations);
        let others_active = participations
            .iter()
            .filter(|p| p.is_active() && !class.is_creator(&p.user_id))
            .count();
        let taken = seats_taken(u32::try_from(others_active).unwrap_or(u32::MAX));
        if matches!(class.status, ClassStatus::Ended | ClassStatus::Cancelled) {
            return Err(UpdateClassError::Finished(class.status));
        }
        let title = command.title.unwrap_or_else(|| class.title.clone());
        let description = command
            .description
            .unwrap_or_else(|| class.description.clone());
        let max_participants = match command.capacity {
            Some(c) => self.policy.check(c)?,
            None => class.max_participants,
        };
        // Checked again by the store at the write; checked here first so the
        // provider is never told a capacity the store would refuse.
        if max_participants.get() < taken {
            return Err(UpdateClassError::BelowActive { active: taken });
        }
        let scheduled_at = match command.scheduled_at {
            Some(at) => crate::instant::parse(Field::ScheduledAt, at)?,
            None => class.scheduled_at,
        };
        let admission = command.admission.unwrap_or(class.admission);
        check_policy(admission, class.course_id.is_some())?;
        let spec = RoomSpec {
            class_id: class.id,
            tenant_id: class.tenant_id.clone(),
            room_id: class.room_id.clone(),
            room_name: RoomName::from_stored(class.room.external_id.clone()),
            title: title.as_str().to_owned(),
            description: description.as_ref().map(|d| d.as_str().to_owned()),
            scheduled_at,
            max_participants: max_participants.get(),
        };
        let room = self
            .video
            .update_room(&class.room, &spec)
            .await
            .map_err(UpdateClassError::Video)?;
        let update = DetailsUpdate {
            title,
            description,
            scheduled_at,
            max_participants,
            admission,
            room,
        };
        let outcome = self
            .classes
            .update_details(&caller.tenant_id, id, &update, self.clock.now())
            .await?;
        let refusal = match outcome {
            UpdateOutcome::Updated(class) => return Ok((*class, counts)),
            UpdateOutcome::StatusWas(status) => UpdateClassError::Finished(status),
            UpdateOutcome::TooManyActive { active } => UpdateClassError::BelowActive { active },
            UpdateOutcome::NotFound => UpdateClassError::NotFound,
        };
        // A concurrent change won: put the room back as the class still is.
        if let Err(e) = self
            .video
            .update_room(&class.room, &class_spec(&class))
            .await
        {
            tracing::warn!(class_id = %class.id, error = %e, "could not restore a room after a refused update");
        }
        Err(refusal)
    }

    /// New join credentials for a caller who is in the live class now (the
    /// seed-002 token endpoint): tokens expire, seats do not.
    ///
    /// # Errors
    /// `NotFound`, `NotLive`, `NotAdmitted`, `Removed`, `Video`, `Store`.
    async fn issue_token(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<(LiveClass, Participation, JoinCredentials), IssueTokenError> {
        let class = self
            .find(caller, id)
            .await?
            .ok_or(IssueTokenError::NotFound)?;
        if class.status != ClassStatus::Live {
            return Err(IssueTokenError::NotLive(class.status));
        }
        let found = self
            .participations
            .list_for_class(&caller.tenant_id, id, true)
            .await?
            .into_iter()
            .find(|p| p.user_id == caller.user_id);
        let Some(participation) = found else {
            // A removed user is never in the class: say why.
            let removed = self
                .participations
                .is_removed(&caller.tenant_id, id, &caller.user_id)
                .await?;
            return Err(if removed {
                IssueTokenError::Removed
            } else {
                IssueTokenError::NotAdmitted
            });
        };
        let controls = self.controls_of(caller, id).await?;
        let who = Self::join_request(caller, &class, participation.role, controls);
        let credentials = self
            .video
            .join_credentials(&class.room, &who)
            .await
            .map_err(IssueTokenError::Video)?;
        Ok((class, participation, credentials))
    }

    async fn join(&self, caller: &Caller, id: ClassId) -> Result<Joined, JoinClassError> {
        match self.admit_caller(caller, id, false).await? {
            JoinOrWait::Joined(joined) => Ok(*joined),
            JoinOrWait::Waiting { capacity, .. } => Err(JoinClassError::Full { capacity }),
        }
    }

    async fn join_or_wait(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<JoinOrWait, JoinClassError> {
        self.admit_caller(caller, id, true).await
    }

    /// Ends the caller's active participation and frees their seat.
    ///
    /// # Errors
    /// `NotFound`, `NotParticipating`, `Store`.
    async fn leave(&self, caller: &Caller, id: ClassId) -> Result<Participation, LeaveClassError> {
        self.find(caller, id)
            .await?
            .ok_or(LeaveClassError::NotFound)?;
        self.participations
            .release(&caller.tenant_id, id, &caller.user_id, self.clock.now())
            .await?
            .ok_or(LeaveClassError::NotParticipating)
    }

    /// Sets the recording URL of an ended class, once.
    ///
    /// # Errors
    /// `Forbidden` without a managing role, `Invalid` URL, `NotFound`,
    /// `NotEnded`, `AlreadySet`, `Store`.
    async fn set_recording(
        &self,
        caller: &Caller,
        id: ClassId,
        url: RecordingUrl,
    ) -> Result<LiveClass, SetRecordingError> {
        if !caller.can_manage_classes() {
            // Another tenant's class is 404 whatever the caller's role.
            return Err(match self.classes.find(&caller.tenant_id, id).await? {
                Some(_) => SetRecordingError::Forbidden,
                None => SetRecordingError::NotFound,
            });
        }
        let outcome = self
            .classes
            .set_recording(&caller.tenant_id, id, &url, self.clock.now())
            .await?;
        match outcome {
            RecordingOutcome::Set(class) => Ok(*class),
            RecordingOutcome::AlreadySet => Err(SetRecordingError::AlreadySet),
            RecordingOutcome::NotEnded(status) => Err(SetRecordingError::NotEnded(status)),
            RecordingOutcome::NotFound => Err(SetRecordingError::NotFound),
        }
    }

    /// Succeeds when the store answers (readiness).
    ///
    /// # Errors
    /// The store's error.
    async fn ping_store(&self) -> Result<(), RepoError> {
        self.classes.ping().await
    }
}

impl LiveClassService {
    /// Seats `caller`, the creator of `class`, which they just started:
    /// joined at its start, as its teacher. Best effort (see `start`).
    async fn seat_creator(&self, caller: &Caller, class: &LiveClass) {
        let request = AdmitRequest {
            tenant_id: caller.tenant_id.clone(),
            class_id: class.id,
            user_id: caller.user_id.clone(),
            user_name: caller.name.clone(),
            role: ParticipantRole::Teacher,
            participation_id: self.ids.participation_id(),
            at: class.started_at.unwrap_or_else(|| self.clock.now()),
            wait: false,
        };
        match self.participations.admit(&request).await {
            Ok(AdmitOutcome::Admitted(_) | AdmitOutcome::AlreadyActive(_)) => {}
            Ok(other) => {
                tracing::warn!(class_id = %class.id, outcome = ?other, "the creator was not seated at the start");
            }
            Err(e) => {
                tracing::warn!(class_id = %class.id, error = %e, "could not seat the creator at the start; their seat stays held");
            }
        }
    }

    /// The one admission of [`LiveClasses::join`] and
    /// [`LiveClasses::join_or_wait`].
    async fn admit_caller(
        &self,
        caller: &Caller,
        id: ClassId,
        wait: bool,
    ) -> Result<JoinOrWait, JoinClassError> {
        let class = self
            .find(caller, id)
            .await?
            .ok_or(JoinClassError::NotFound)?;
        if class.status != ClassStatus::Live {
            return Err(JoinClassError::NotLive(class.status));
        }
        let role = if class.is_creator(&caller.user_id) {
            ParticipantRole::Teacher
        } else {
            ParticipantRole::Participant
        };
        let request = AdmitRequest {
            tenant_id: caller.tenant_id.clone(),
            class_id: id,
            user_id: caller.user_id.clone(),
            user_name: caller.name.clone(),
            role,
            participation_id: self.ids.participation_id(),
            at: self.clock.now(),
            wait,
        };
        let (participation, already_joined) = match self.participations.admit(&request).await? {
            AdmitOutcome::Admitted(p) => (p, false),
            AdmitOutcome::AlreadyActive(p) => (p, true),
            AdmitOutcome::Waiting { position } => {
                return Ok(JoinOrWait::Waiting {
                    position,
                    capacity: class.max_participants.get(),
                });
            }
            AdmitOutcome::Full { capacity } => return Err(JoinClassError::Full { capacity }),
            AdmitOutcome::NotLive(status) => return Err(JoinClassError::NotLive(status)),
            AdmitOutcome::NotOnRoster => return Err(JoinClassError::NotOnRoster),
            AdmitOutcome::NotApproved => return Err(JoinClassError::NotApproved),
            AdmitOutcome::Removed => return Err(JoinClassError::Removed),
            AdmitOutcome::NotFound => return Err(JoinClassError::NotFound),
        };
        // A new participation has the default controls; only a caller
        // already in the class may have been muted (one read, off the
        // admission's path).
        let controls = if already_joined {
            self.controls_of(caller, id).await?
        } else {
            ParticipantControls::default()
        };
        let who = Self::join_request(caller, &class, participation.role, controls);
        let credentials = self
            .video
            .join_credentials(&class.room, &who)
            .await
            .map_err(JoinClassError::Video)?;
        Ok(JoinOrWait::Joined(Box::new(Joined {
            class,
            participation,
            credentials,
            already_joined,
        })))
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Active participations and distinct users among `participations`.
fn counts_of(participations: &[Participation]) -> ClassCounts {
    let mut users: Vec<&str> = participations.iter().map(|p| p.user_id.as_str()).collect();
    users.sort_unstable();
    users.dedup();
    ClassCounts {
        active: count(participations.iter().filter(|p| p.is_active()).count()),
        participants: count(users.len()),
    }
}

/// The room spec of a class as it is.
fn class_spec(class: &LiveClass) -> RoomSpec {
    RoomSpec {
        class_id: class.id,
        tenant_id: class.tenant_id.clone(),
        room_id: class.room_id.clone(),
        room_name: RoomName::from_stored(class.room.external_id.clone()),
        title: class.title.as_str().to_owned(),
        description: class.description.as_ref().map(|d| d.as_str().to_owned()),
        scheduled_at: class.scheduled_at,
        max_participants: class.max_participants.get(),
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
