//! The use cases of seed 000, one method each. The service checks who may do
//! what, parses input into domain values, reads the clock, mints ids, and
//! leaves every concurrency-sensitive decision to an atomic repository call.

use std::sync::Arc;

use time::OffsetDateTime;

use super::capacity::{Capacity, ClassPolicy};
use super::errors::{
    CreateClassError, GetClassError, JoinClassError, LeaveClassError, ListClassesError,
    SetRecordingError, TransitionClassError,
};
use super::lifecycle::{TransitionError, ensure_edge};
use super::model::{ClassStatus, Description, LiveClass, RecordingUrl, Title};
use super::participation::{ParticipantRole, Participation};
use super::ports::{
    AdmitOutcome, AdmitRequest, ClassFilter, ClassPage, ClassRepository, PageRequest,
    ParticipationRepository, RecordingOutcome, TransitionOutcome,
};
use crate::caller::Caller;
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator};
use crate::video::{JoinCredentials, JoinRequest, RoomSpec, VideoProvider};

/// Input of [`LiveClassService::create`], as received: the service parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClass {
    /// When given, must be the caller's own tenant.
    pub tenant_id: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub scheduled_at: OffsetDateTime,
    /// Defaults to the policy's default capacity.
    pub max_participants: Option<i64>,
}

/// A class with all its participations, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDetails {
    pub class: LiveClass,
    pub participations: Vec<Participation>,
}

/// A class and its active participations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantsView {
    pub class: LiveClass,
    pub active: Vec<Participation>,
}

/// The result of a join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub class: LiveClass,
    pub participation: Participation,
    pub credentials: JoinCredentials,
    /// The caller was already in the class; nothing was written.
    pub already_joined: bool,
}

/// The live-class use cases.
pub struct LiveClassService {
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: ClassPolicy,
}

impl LiveClassService {
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
        }
    }

    pub fn policy(&self) -> ClassPolicy {
        self.policy
    }

    /// Creates a scheduled class and its video room. If the class cannot be
    /// stored, the room is deleted again, so nothing is left half-made.
    ///
    /// # Errors
    /// `Forbidden` without a managing role, `TenantMismatch`, `Invalid` input,
    /// `Video` when the room cannot be made, `Store`.
    pub async fn create(
        &self,
        caller: &Caller,
        input: NewClass,
    ) -> Result<LiveClass, CreateClassError> {
        if !caller.can_manage_classes() {
            return Err(CreateClassError::Forbidden);
        }
        if input
            .tenant_id
            .as_deref()
            .is_some_and(|t| t != caller.tenant_id.as_str())
        {
            return Err(CreateClassError::TenantMismatch);
        }
        let title = Title::parse(&input.title)?;
        let description = input
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(Description::parse)
            .transpose()?;
        let max_participants = Capacity::parse(
            input
                .max_participants
                .unwrap_or(i64::from(self.policy.default_capacity)),
            &self.policy,
        )?;

        let now = self.clock.now();
        let id = self.ids.class_id();
        let room_id = self.ids.room_id();
        let spec = RoomSpec {
            class_id: id,
            tenant_id: caller.tenant_id.clone(),
            room_id: room_id.clone(),
            title: title.as_str().to_owned(),
            scheduled_at: input.scheduled_at,
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
            scheduled_at: crate::clock::truncate_to_micros(input.scheduled_at),
            scheduled_end: None,
            course_id: None,
            occurrence: None,
            join_hash: self.ids.join_hash(),
            ical_sequence: 0,
            started_at: None,
            ended_at: None,
            max_participants,
            active_count: 0,
            participant_count: 0,
            recording_url: None,
            created_at: now,
            updated_at: now,
        };
        if let Err(store_error) = self.classes.insert(&class).await {
            if let Err(video_error) = self.video.delete_room(&class.room).await {
                tracing::warn!(
                    class_id = %class.id,
                    room = %class.room.external_id,
                    error = %video_error,
                    "the room of a class that could not be stored was not deleted"
                );
            }
            return Err(store_error.into());
        }
        Ok(class)
    }

    /// The caller's tenant's classes, filtered and paged.
    ///
    /// # Errors
    /// `Invalid` page values, `Store`.
    pub async fn list(
        &self,
        caller: &Caller,
        filter: ClassFilter,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<ClassPage, ListClassesError> {
        let page = PageRequest::new(limit, offset)?;
        filter.check()?;
        Ok(self.classes.list(&caller.tenant_id, &filter, page).await?)
    }

    /// One class of the caller's tenant with all its participations.
    ///
    /// # Errors
    /// `NotFound` (also for another tenant's class), `Store`.
    pub async fn get(&self, caller: &Caller, id: ClassId) -> Result<ClassDetails, GetClassError> {
        let class = self
            .find(caller, id)
            .await?
            .ok_or(GetClassError::NotFound)?;
        let participations = self
            .participations
            .list_for_class(&caller.tenant_id, id, false)
            .await?;
        Ok(ClassDetails {
            class,
            participations,
        })
    }

    /// The class's active participants.
    ///
    /// # Errors
    /// `NotFound`, `Store`.
    pub async fn participants(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<ParticipantsView, GetClassError> {
        let class = self
            .find(caller, id)
            .await?
            .ok_or(GetClassError::NotFound)?;
        let active = self
            .participations
            .list_for_class(&caller.tenant_id, id, true)
            .await?;
        Ok(ParticipantsView { class, active })
    }

    /// `scheduled → live`, by the creator only.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not scheduled), `Store`.
    pub async fn start(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<LiveClass, TransitionClassError> {
        self.transition(caller, id, ClassStatus::Live).await
    }

    /// `live → ended`, by the creator only; closes every active participation.
    ///
    /// # Errors
    /// `NotFound`, `Refused` (not the creator, or not live), `Store`.
    pub async fn end(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<LiveClass, TransitionClassError> {
        self.transition(caller, id, ClassStatus::Ended).await
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

    /// Admits the caller into a live class, within capacity; a caller already
    /// in the class gets their participation back. The creator joins as
    /// teacher.
    ///
    /// If join credentials cannot be issued after the seat was taken, the seat
    /// stays taken and the error is returned: joining again is idempotent and
    /// retries the credentials without a second seat.
    ///
    /// # Errors
    /// `NotFound`, `NotLive`, `Full`, `Video`, `Store`.
    pub async fn join(&self, caller: &Caller, id: ClassId) -> Result<Joined, JoinClassError> {
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
        };
        let (participation, already_joined) = match self.participations.admit(&request).await? {
            AdmitOutcome::Admitted(p) => (p, false),
            AdmitOutcome::AlreadyActive(p) => (p, true),
            AdmitOutcome::Full { capacity } => return Err(JoinClassError::Full { capacity }),
            AdmitOutcome::NotLive(status) => return Err(JoinClassError::NotLive(status)),
            AdmitOutcome::NotFound => return Err(JoinClassError::NotFound),
        };
        let who = JoinRequest {
            user_id: caller.user_id.clone(),
            name: caller.name.clone(),
            role: participation.role,
        };
        let credentials = self
            .video
            .join_credentials(&class.room, &who)
            .await
            .map_err(JoinClassError::Video)?;
        Ok(Joined {
            class,
            participation,
            credentials,
            already_joined,
        })
    }

    /// Ends the caller's active participation and frees their seat.
    ///
    /// # Errors
    /// `NotFound`, `NotParticipating`, `Store`.
    pub async fn leave(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Participation, LeaveClassError> {
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
    pub async fn set_recording(
        &self,
        caller: &Caller,
        id: ClassId,
        url: &str,
    ) -> Result<LiveClass, SetRecordingError> {
        if !caller.can_manage_classes() {
            return Err(SetRecordingError::Forbidden);
        }
        let url = RecordingUrl::parse(url)?;
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
    pub async fn ping_store(&self) -> Result<(), super::ports::RepoError> {
        self.classes.ping().await
    }

    async fn find(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Option<LiveClass>, super::ports::RepoError> {
        self.classes.find(&caller.tenant_id, id).await
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
