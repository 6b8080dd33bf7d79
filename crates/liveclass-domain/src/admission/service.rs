//! The admission use cases: requests to join, the waitlist, removal.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::{
    DecideRequestError, LeaveWaitlistError, ReadRequestsError, ReadWaitlistError,
    RemoveParticipantError, RequestToJoinError,
};
use super::model::{
    Decision, JoinRequest, ProviderEject, Removal, RequestId, RequestStatus, WaitlistEntry,
};
use super::ports::{AdmissionRepository, DecideOutcome, RemoveOutcome, RequestOutcome};
use crate::caller::Caller;
use crate::class::{
    AdmissionPolicy, ClassRepository, ClassStatus, LiveClass, Participation,
    ParticipationRepository,
};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator, UserId};
use crate::interaction::is_moderator;
use crate::video::{VideoError, VideoProvider};

/// One request's decision in a bulk call.
pub type DecideResult = Result<(JoinRequest, Option<Participation>), DecideRequestError>;

/// Requests to join, the waitlist and removals, in the caller's tenant.
/// "Moderators" are those [`is_moderator`] names.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Admissions: Send + Sync {
    /// Asks to join an `approval` class (scheduled or live); asking again
    /// returns the same request (`false`: not new).
    ///
    /// # Errors
    /// `NotFound`, `ApprovalNotRequired` (another policy, or the caller is
    /// the creator), `ClassOver`, `Removed`, `Store`.
    async fn request_to_join(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<(JoinRequest, bool), RequestToJoinError>;

    /// The caller's own request.
    ///
    /// # Errors
    /// `NotFound`, `NoRequest`, `Store`.
    async fn my_request(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<JoinRequest, ReadRequestsError>;

    /// The class's requests, oldest first, optionally of one status
    /// (moderators).
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `Store`.
    async fn list_requests(
        &self,
        caller: &Caller,
        id: ClassId,
        status: Option<RequestStatus>,
    ) -> Result<Vec<JoinRequest>, ReadRequestsError>;

    /// Decides requests (moderators), each on its own: one unknown id never
    /// fails the others. Rejecting an approved request withdraws the
    /// approval and removes the user from the class if present.
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `Store` for the whole call; per request
    /// `RequestNotFound` or `Store`.
    async fn decide(
        &self,
        caller: &Caller,
        id: ClassId,
        requests: Vec<RequestId>,
        decision: Decision,
    ) -> Result<Vec<(RequestId, DecideResult)>, DecideRequestError>;

    /// Removes a user from a scheduled or live class (moderators): a ban for
    /// the class, whether or not they are in it now. Returns the stay it
    /// ended, if any, and what became of the user at the video provider:
    /// once the ban is stored, a user who was in a live class is ejected
    /// from its meeting where the provider can, best-effort (a provider
    /// failure is logged and reported, never an error).
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `CannotRemoveHost`, `ClassOver`, `Store`.
    async fn remove(
        &self,
        caller: &Caller,
        id: ClassId,
        user: &UserId,
    ) -> Result<Removal, RemoveParticipantError>;

    /// The users waiting, first in line first (moderators).
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `Store`.
    async fn waitlist(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Vec<WaitlistEntry>, ReadWaitlistError>;

    /// The caller's latest waitlist entry, with their position while waiting.
    ///
    /// # Errors
    /// `NotFound`, `NotWaiting` (never waited), `Store`.
    async fn my_waitlist_entry(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<WaitlistEntry, ReadWaitlistError>;

    /// Takes the caller out of the line.
    ///
    /// # Errors
    /// `NotFound`, `NotWaiting`, `Store`.
    async fn leave_waitlist(&self, caller: &Caller, id: ClassId) -> Result<(), LeaveWaitlistError>;
}

/// The admission use cases over their ports.
pub struct AdmissionService {
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    repo: Arc<dyn AdmissionRepository>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl AdmissionService {
    /// The service over its ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        participations: Arc<dyn ParticipationRepository>,
        repo: Arc<dyn AdmissionRepository>,
        video: Arc<dyn VideoProvider>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            classes,
            participations,
            repo,
            video,
            clock,
            ids,
        }
    }

    async fn class(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Option<LiveClass>, crate::store::RepoError> {
        self.classes.find(&caller.tenant_id, id).await
    }

    /// The class, if the caller moderates it: `Err(true)` for a class the
    /// caller may not moderate, `Err(false)` for no class.
    async fn moderated(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Result<LiveClass, bool>, crate::store::RepoError> {
        Ok(match self.class(caller, id).await? {
            Some(class) if is_moderator(caller, &class) => Ok(class),
            Some(_) => Err(true),
            None => Err(false),
        })
    }

    /// Asks the provider to eject a removed user from the class's meeting,
    /// after the ban is stored. Never fails: the ban is what keeps the user
    /// out of the class; this only ends the stay of someone still in the
    /// meeting.
    async fn eject(&self, class: &LiveClass, user: &UserId, was_present: bool) -> ProviderEject {
        // Only a live class has a meeting, and only someone in the class was
        // given credentials to be in it.
        if class.status != ClassStatus::Live || !was_present {
            return ProviderEject::NotNeeded;
        }
        // A room made by another provider than the configured one cannot be
        // reached through this one.
        if !self.video.capabilities().eject || class.room.provider != self.video.name() {
            return ProviderEject::NotSupported;
        }
        match self.video.eject(&class.room, user).await {
            Ok(()) => ProviderEject::Ejected,
            Err(VideoError::Unsupported) => ProviderEject::NotSupported,
            // The room is gone at the provider: nobody is in its meeting.
            Err(VideoError::NotFound) => ProviderEject::NotNeeded,
            Err(error) => {
                tracing::warn!(
                    class_id = %class.id,
                    room = %class.room.external_id,
                    user_id = %user,
                    error = %error,
                    "the video provider did not eject a removed user; the removal stands"
                );
                ProviderEject::Failed
            }
        }
    }
}

/// Whether a class is over: no request, removal or line applies any more.
fn is_over(status: ClassStatus) -> bool {
    matches!(status, ClassStatus::Ended | ClassStatus::Cancelled)
}

#[async_trait]
impl Admissions for AdmissionService {
    async fn request_to_join(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<(JoinRequest, bool), RequestToJoinError> {
        let class = self
            .class(caller, id)
            .await?
            .ok_or(RequestToJoinError::NotFound)?;
        if class.admission != AdmissionPolicy::Approval || class.is_creator(&caller.user_id) {
            return Err(RequestToJoinError::ApprovalNotRequired);
        }
        if is_over(class.status) {
            return Err(RequestToJoinError::ClassOver(class.status));
        }
        if self
            .participations
            .is_removed(&caller.tenant_id, id, &caller.user_id)
            .await?
        {
            return Err(RequestToJoinError::Removed);
        }
        let request = JoinRequest {
            id: RequestId::from_uuid(self.ids.new_uuid()),
            tenant_id: caller.tenant_id.clone(),
            class_id: id,
            user_id: caller.user_id.clone(),
            user_name: caller.name.clone(),
            status: RequestStatus::Pending,
            requested_at: self.clock.now(),
            decided_at: None,
            decided_by: None,
        };
        Ok(match self.repo.request_to_join(&request).await? {
            RequestOutcome::Created(r) => (r, true),
            RequestOutcome::Existing(r) => (r, false),
        })
    }

    async fn my_request(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<JoinRequest, ReadRequestsError> {
        self.class(caller, id)
            .await?
            .ok_or(ReadRequestsError::NotFound)?;
        self.repo
            .find_request(&caller.tenant_id, id, &caller.user_id)
            .await?
            .ok_or(ReadRequestsError::NoRequest)
    }

    async fn list_requests(
        &self,
        caller: &Caller,
        id: ClassId,
        status: Option<RequestStatus>,
    ) -> Result<Vec<JoinRequest>, ReadRequestsError> {
        match self.moderated(caller, id).await? {
            Ok(_) => {}
            Err(true) => return Err(ReadRequestsError::Forbidden),
            Err(false) => return Err(ReadRequestsError::NotFound),
        }
        let mut requests = self.repo.list_requests(&caller.tenant_id, id).await?;
        if let Some(status) = status {
            requests.retain(|r| r.status == status);
        }
        Ok(requests)
    }

    async fn decide(
        &self,
        caller: &Caller,
        id: ClassId,
        requests: Vec<RequestId>,
        decision: Decision,
    ) -> Result<Vec<(RequestId, DecideResult)>, DecideRequestError> {
        let class = match self.moderated(caller, id).await? {
            Ok(class) => class,
            Err(true) => return Err(DecideRequestError::Forbidden),
            Err(false) => return Err(DecideRequestError::NotFound),
        };
        let mut results = Vec::with_capacity(requests.len());
        for request in requests {
            let outcome = self
                .repo
                .decide(
                    &caller.tenant_id,
                    id,
                    request,
                    decision,
                    &caller.user_id,
                    self.clock.now(),
                )
                .await;
            let result = match outcome {
                Ok(DecideOutcome::Decided { request, removed }) => {
                    // A withdrawn approval took the user out of the class:
                    // out of the provider's meeting too, best-effort, as a
                    // removal does (its outcome is logged, not answered).
                    if let Some(stay) = &removed {
                        self.eject(&class, &stay.user_id, true).await;
                    }
                    Ok((request, removed))
                }
                Ok(DecideOutcome::NotFound) => Err(DecideRequestError::RequestNotFound),
                Err(e) => Err(DecideRequestError::Store(e)),
            };
            results.push((request, result));
        }
        Ok(results)
    }

    async fn remove(
        &self,
        caller: &Caller,
        id: ClassId,
        user: &UserId,
    ) -> Result<Removal, RemoveParticipantError> {
        let class = match self.moderated(caller, id).await? {
            Ok(class) => class,
            Err(true) => return Err(RemoveParticipantError::Forbidden),
            Err(false) => return Err(RemoveParticipantError::NotFound),
        };
        if class.is_creator(user) {
            return Err(RemoveParticipantError::CannotRemoveHost);
        }
        if is_over(class.status) {
            return Err(RemoveParticipantError::ClassOver(class.status));
        }
        match self
            .repo
            .remove(
                &caller.tenant_id,
                id,
                user,
                &caller.user_id,
                self.clock.now(),
            )
            .await?
        {
            RemoveOutcome::Removed { ended } => {
                let provider_eject = self.eject(&class, user, ended.is_some()).await;
                Ok(Removal {
                    ended,
                    provider_eject,
                })
            }
            RemoveOutcome::NotFound => Err(RemoveParticipantError::NotFound),
        }
    }

    async fn waitlist(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<Vec<WaitlistEntry>, ReadWaitlistError> {
        match self.moderated(caller, id).await? {
            Ok(_) => Ok(self.repo.waitlist(&caller.tenant_id, id).await?),
            Err(true) => Err(ReadWaitlistError::Forbidden),
            Err(false) => Err(ReadWaitlistError::NotFound),
        }
    }

    async fn my_waitlist_entry(
        &self,
        caller: &Caller,
        id: ClassId,
    ) -> Result<WaitlistEntry, ReadWaitlistError> {
        self.class(caller, id)
            .await?
            .ok_or(ReadWaitlistError::NotFound)?;
        self.repo
            .my_entry(&caller.tenant_id, id, &caller.user_id)
            .await?
            .ok_or(ReadWaitlistError::NotWaiting)
    }

    async fn leave_waitlist(&self, caller: &Caller, id: ClassId) -> Result<(), LeaveWaitlistError> {
        self.class(caller, id)
            .await?
            .ok_or(LeaveWaitlistError::NotFound)?;
        if self
            .repo
            .leave_waitlist(&caller.tenant_id, id, &caller.user_id, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(LeaveWaitlistError::NotWaiting)
        }
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
