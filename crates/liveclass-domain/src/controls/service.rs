//! The participant controls' use cases.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::{CoHostError, ControlsError, HandsError};
use super::model::{ControlsChange, ControlsPatch, ParticipantState, raised_hands};
use super::ports::{CoHostOutcome, ControlsOutcome, ControlsRepository, MuteAllOutcome};
use crate::caller::Caller;
use crate::class::{
    ClassRepository, CoHostChange, CoHostRefusal, LiveClass, is_moderator, may_name_co_hosts,
};
use crate::clock::Clock;
use crate::ids::{ClassId, UserId};
use crate::validation::{Field, ValidationError};

/// Co-hosts and participant controls: what the HTTP layer calls.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Controls: Send + Sync {
    /// The class (whose `co_hosts` are the answer), for any user of its tenant.
    async fn co_hosts(&self, caller: &Caller, class_id: ClassId) -> Result<LiveClass, CoHostError>;

    /// Makes `user` a co-host (host or manager only); idempotent.
    async fn grant_co_host(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
    ) -> Result<LiveClass, CoHostError>;

    /// Takes `user`'s co-host role back (host or manager only); idempotent.
    async fn revoke_co_host(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
    ) -> Result<LiveClass, CoHostError>;

    /// A moderator's change to a participant's controls.
    async fn update_participant(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
        patch: ControlsPatch,
    ) -> Result<ParticipantState, ControlsError>;

    /// Forbids the microphone (and the camera when `camera_too`) of every
    /// participant but the host and co-hosts; returns those changed.
    async fn mute_all(
        &self,
        caller: &Caller,
        class_id: ClassId,
        camera_too: bool,
    ) -> Result<Vec<ParticipantState>, ControlsError>;

    /// The caller raises (`true`) or lowers (`false`) their own hand.
    async fn move_hand(
        &self,
        caller: &Caller,
        class_id: ClassId,
        raise: bool,
    ) -> Result<ParticipantState, ControlsError>;

    /// The raised hands in order of raising, for moderators and the class's
    /// active participants.
    async fn hands(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<ParticipantState>, HandsError>;
}

/// The use cases over their ports.
pub struct ControlService {
    classes: Arc<dyn ClassRepository>,
    controls: Arc<dyn ControlsRepository>,
    clock: Arc<dyn Clock>,
}

impl ControlService {
    /// The service over its ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        controls: Arc<dyn ControlsRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            classes,
            controls,
            clock,
        }
    }

    async fn class(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Option<LiveClass>, crate::store::RepoError> {
        self.classes.find(&caller.tenant_id, class_id).await
    }

    async fn change_co_host(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
        change: CoHostChange,
    ) -> Result<LiveClass, CoHostError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(CoHostError::ClassNotFound)?;
        if !may_name_co_hosts(caller, &class) {
            return Err(CoHostError::NotHost);
        }
        match self
            .controls
            .change_co_host(
                &caller.tenant_id,
                class_id,
                &user,
                change,
                &caller.user_id,
                self.clock.now(),
            )
            .await?
        {
            CoHostOutcome::Changed(class) | CoHostOutcome::Unchanged(class) => Ok(*class),
            CoHostOutcome::NotFound => Err(CoHostError::ClassNotFound),
            CoHostOutcome::Refused(refusal) => Err(co_host_refusal(refusal)),
        }
    }

    async fn moderated(&self, caller: &Caller, class_id: ClassId) -> Result<(), ControlsError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(ControlsError::ClassNotFound)?;
        if is_moderator(caller, &class) {
            Ok(())
        } else {
            Err(ControlsError::NotModerator)
        }
    }

    async fn change(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: &UserId,
        change: ControlsChange,
    ) -> Result<ParticipantState, ControlsError> {
        match self
            .controls
            .change_controls(
                &caller.tenant_id,
                class_id,
                user,
                change,
                &caller.user_id,
                self.clock.now(),
            )
            .await?
        {
            ControlsOutcome::Done(state) => Ok(*state),
            ControlsOutcome::NotParticipating => Err(ControlsError::NotParticipating),
            ControlsOutcome::NotLive(status) => Err(ControlsError::NotLive(status)),
            ControlsOutcome::NotFound => Err(ControlsError::ClassNotFound),
        }
    }
}

fn co_host_refusal(refusal: CoHostRefusal) -> CoHostError {
    match refusal {
        CoHostRefusal::Finished(status) => CoHostError::Finished(status),
        CoHostRefusal::IsHost => CoHostError::Invalid(ValidationError::new(
            Field::UserId,
            "is the class's host (its creator), who cannot also be a co-host",
        )),
        CoHostRefusal::TooMany => CoHostError::TooMany(refusal),
    }
}

#[async_trait]
impl Controls for ControlService {
    async fn co_hosts(&self, caller: &Caller, class_id: ClassId) -> Result<LiveClass, CoHostError> {
        self.class(caller, class_id)
            .await?
            .ok_or(CoHostError::ClassNotFound)
    }

    async fn grant_co_host(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
    ) -> Result<LiveClass, CoHostError> {
        self.change_co_host(caller, class_id, user, CoHostChange::Grant)
            .await
    }

    async fn revoke_co_host(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
    ) -> Result<LiveClass, CoHostError> {
        self.change_co_host(caller, class_id, user, CoHostChange::Revoke)
            .await
    }

    async fn update_participant(
        &self,
        caller: &Caller,
        class_id: ClassId,
        user: UserId,
        patch: ControlsPatch,
    ) -> Result<ParticipantState, ControlsError> {
        self.moderated(caller, class_id).await?;
        self.change(caller, class_id, &user, ControlsChange::Patch(patch))
            .await
    }

    async fn mute_all(
        &self,
        caller: &Caller,
        class_id: ClassId,
        camera_too: bool,
    ) -> Result<Vec<ParticipantState>, ControlsError> {
        self.moderated(caller, class_id).await?;
        match self
            .controls
            .mute_all(
                &caller.tenant_id,
                class_id,
                camera_too,
                &caller.user_id,
                self.clock.now(),
            )
            .await?
        {
            MuteAllOutcome::Muted(states) => Ok(states),
            MuteAllOutcome::NotLive(status) => Err(ControlsError::NotLive(status)),
            MuteAllOutcome::NotFound => Err(ControlsError::ClassNotFound),
        }
    }

    async fn move_hand(
        &self,
        caller: &Caller,
        class_id: ClassId,
        raise: bool,
    ) -> Result<ParticipantState, ControlsError> {
        let change = if raise {
            ControlsChange::RaiseHand
        } else {
            ControlsChange::LowerHand
        };
        let user = caller.user_id.clone();
        self.change(caller, class_id, &user, change).await
    }

    async fn hands(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<ParticipantState>, HandsError> {
        let (class, states) = self
            .controls
            .participant_states(&caller.tenant_id, class_id)
            .await?
            .ok_or(HandsError::ClassNotFound)?;
        let admitted = is_moderator(caller, &class)
            || states
                .iter()
                .any(|s| s.participation.user_id == caller.user_id);
        if !admitted {
            return Err(HandsError::NotAdmitted);
        }
        Ok(raised_hands(states))
    }
}
