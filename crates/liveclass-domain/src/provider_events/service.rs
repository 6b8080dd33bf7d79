//! The provider-event inbox: receiving, listing and reprocessing
//! deliveries ([`ProviderEvents`]), and the worker that handles them
//! ([`ProviderEventJobs`]).

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::errors::{ListProviderEventsError, ReprocessProviderEventError};
use super::model::{
    Applied, IncomingProviderEvent, ProviderEvent, ProviderEventPolicy, ProviderEventReport,
    ProviderEventStatus, ProviderSignal, ReceiveOutcome, SessionRef,
};
use super::ports::{ProviderEventRepository, ProviderPayloads};
use crate::caller::{Caller, Role};
use crate::class::{ClassRepository, LiveClass, ParticipationRepository, TransitionOutcome};
use crate::clock::{Clock, truncate_to_micros};
use crate::controls::{ControlsChange, ControlsOutcome, ControlsRepository};
use crate::ids::{IdGenerator, UserId};
use crate::recording::{
    ProviderRecordingOutcome, ProviderRecordingReady, RecordingId, RecordingRepository,
};
use crate::store::RepoError;

/// The inbox as the HTTP layer calls it. [`ProviderEventService`] is the
/// implementation; with the `mocks` feature, `MockProviderEvents` replaces
/// it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProviderEvents: Send + Sync {
    /// Stores a verified delivery for the worker (deduplicated by provider
    /// and `external_id`), received now.
    ///
    /// # Errors
    /// The store's.
    async fn receive(
        &self,
        provider: &str,
        external_id: String,
        event_type: String,
        body: String,
    ) -> Result<ReceiveOutcome, RepoError>;

    /// The caller's tenant's deliveries, newest first (at most `limit`,
    /// capped at [`super::MAX_LIST_LIMIT`]).
    ///
    /// # Errors
    /// `Forbidden` unless `org_admin`; `Store`.
    async fn list(
        &self,
        caller: &Caller,
        status: Option<ProviderEventStatus>,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, ListProviderEventsError>;

    /// Makes one of the tenant's deliveries due again, as if just received.
    ///
    /// # Errors
    /// `Forbidden` unless `org_admin`; `NotFound`; `Store`.
    async fn reprocess(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<ProviderEvent, ReprocessProviderEventError>;
}

/// Receives, lists and reprocesses deliveries.
pub struct ProviderEventService {
    inbox: Arc<dyn ProviderEventRepository>,
    clock: Arc<dyn Clock>,
}

impl ProviderEventService {
    /// The service over the inbox and a clock.
    pub fn new(inbox: Arc<dyn ProviderEventRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { inbox, clock }
    }
}

fn is_org_admin(caller: &Caller) -> bool {
    caller.roles.contains(&Role::OrgAdmin)
}

#[async_trait]
impl ProviderEvents for ProviderEventService {
    async fn receive(
        &self,
        provider: &str,
        external_id: String,
        event_type: String,
        body: String,
    ) -> Result<ReceiveOutcome, RepoError> {
        let event = IncomingProviderEvent {
            provider: provider.to_owned(),
            external_id,
            event_type,
            body,
            received_at: truncate_to_micros(self.clock.now()),
        };
        self.inbox.record_provider_event(&event).await
    }

    async fn list(
        &self,
        caller: &Caller,
        status: Option<ProviderEventStatus>,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, ListProviderEventsError> {
        if !is_org_admin(caller) {
            return Err(ListProviderEventsError::Forbidden);
        }
        let limit = limit.clamp(1, super::MAX_LIST_LIMIT);
        Ok(self
            .inbox
            .list_provider_events(&caller.tenant_id, status, limit)
            .await?)
    }

    async fn reprocess(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<ProviderEvent, ReprocessProviderEventError> {
        if !is_org_admin(caller) {
            return Err(ReprocessProviderEventError::Forbidden);
        }
        self.inbox
            .reprocess_provider_event(&caller.tenant_id, id, self.clock.now())
            .await?
            .ok_or(ReprocessProviderEventError::NotFound)
    }
}

/// Why handling a delivery did not finish.
enum Unfinished {
    /// The body does not decode: no retry will change that.
    Undecodable(String),
    /// Worth another attempt later (the store failed, or a delivery came
    /// before the one it depends on).
    Retry(String),
}

impl From<RepoError> for Unfinished {
    fn from(e: RepoError) -> Self {
        Self::Retry(e.to_string())
    }
}

/// The worker: handles due deliveries, mapping each onto the class that
/// owns its room. Every effect is idempotent (a state already reached is
/// left as is), so a delivery handled twice, or deliveries in any order,
/// leave the right state.
pub struct ProviderEventJobs {
    inbox: Arc<dyn ProviderEventRepository>,
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    controls: Arc<dyn ControlsRepository>,
    recordings: Arc<dyn RecordingRepository>,
    payloads: Arc<dyn ProviderPayloads>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: ProviderEventPolicy,
}

/// The stores the worker writes to, besides its inbox.
pub struct ProviderEventStores {
    /// Classes (meeting start and end).
    pub classes: Arc<dyn ClassRepository>,
    /// Participations (who a provider session belongs to).
    pub participations: Arc<dyn ParticipationRepository>,
    /// Participant controls (screen sharing).
    pub controls: Arc<dyn ControlsRepository>,
    /// Recordings (ready, failed).
    pub recordings: Arc<dyn RecordingRepository>,
}

impl ProviderEventJobs {
    /// The worker over its ports and policy.
    pub fn new(
        inbox: Arc<dyn ProviderEventRepository>,
        stores: ProviderEventStores,
        payloads: Arc<dyn ProviderPayloads>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: ProviderEventPolicy,
    ) -> Self {
        let ProviderEventStores {
            classes,
            participations,
            controls,
            recordings,
        } = stores;
        Self {
            inbox,
            classes,
            participations,
            controls,
            recordings,
            payloads,
            clock,
            ids,
            policy,
        }
    }

    /// Claims the due deliveries and handles each once.
    ///
    /// # Errors
    /// The inbox's own errors (claiming, recording an outcome); a failure
    /// to handle one delivery is recorded on it instead.
    pub async fn run_once(&self) -> Result<ProviderEventReport, RepoError> {
        let claimed = self
            .inbox
            .claim_provider_events(self.clock.now(), self.policy.lease, self.policy.batch)
            .await?;
        let mut report = ProviderEventReport::default();
        for event in claimed {
            let now = self.clock.now();
            match self.handle(&event).await {
                Ok(Applied::Processed {
                    tenant_id,
                    class_id,
                }) => {
                    self.inbox
                        .finish_provider_event(
                            event.id,
                            ProviderEventStatus::Processed,
                            None,
                            Some((tenant_id, class_id)),
                            now,
                        )
                        .await?;
                    report.processed += 1;
                }
                Ok(Applied::Ignored { reason, class }) => {
                    tracing::debug!(provider = %event.provider, event_type = %event.event_type, %reason, "provider event ignored");
                    self.inbox
                        .finish_provider_event(
                            event.id,
                            ProviderEventStatus::Ignored,
                            Some(reason),
                            class,
                            now,
                        )
                        .await?;
                    report.ignored += 1;
                }
                Err(Unfinished::Retry(error)) if event.attempts < self.policy.max_attempts => {
                    let due = crate::instant::later(now, self.policy.delay_after(event.attempts));
                    tracing::warn!(id = %event.id, provider = %event.provider, event_type = %event.event_type, attempts = event.attempts, %error, "provider event not handled; will retry");
                    self.inbox
                        .retry_provider_event(event.id, due, error)
                        .await?;
                    report.retried += 1;
                }
                Err(Unfinished::Retry(error) | Unfinished::Undecodable(error)) => {
                    tracing::error!(id = %event.id, provider = %event.provider, event_type = %event.event_type, attempts = event.attempts, %error, "provider event failed");
                    self.inbox
                        .finish_provider_event(
                            event.id,
                            ProviderEventStatus::Failed,
                            Some(error),
                            None,
                            now,
                        )
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    async fn handle(&self, event: &ProviderEvent) -> Result<Applied, Unfinished> {
        let signal = self
            .payloads
            .decode(&event.provider, &event.body)
            .map_err(Unfinished::Undecodable)?;
        let Some(room) = signal.room() else {
            return Ok(Applied::Ignored {
                reason: format!("`{}` is not an event LiveClass acts on", event.event_type),
                class: None,
            });
        };
        let Some(class) = self.inbox.class_for_room(room).await? else {
            return Ok(Applied::Ignored {
                reason: format!(
                    "no class owns {} room `{}`",
                    room.provider, room.external_id
                ),
                class: None,
            });
        };
        let provider = room.provider.clone();
        self.apply(class, &provider, signal).await
    }

    /// An instant a provider reports, as LiveClass stores it: never in the
    /// future (a skewed provider clock cannot date a change ahead of now).
    fn instant(&self, at: OffsetDateTime) -> OffsetDateTime {
        truncate_to_micros(at.min(self.clock.now()))
    }

    async fn apply(
        &self,
        class: LiveClass,
        provider: &str,
        signal: ProviderSignal,
    ) -> Result<Applied, Unfinished> {
        let key = (class.tenant_id.clone(), class.id);
        let processed = || Applied::Processed {
            tenant_id: key.0.clone(),
            class_id: key.1,
        };
        let ignored = |reason: String| Applied::Ignored {
            reason,
            class: Some(key.clone()),
        };
        let transition = |outcome: TransitionOutcome| match outcome {
            TransitionOutcome::Changed(_) => processed(),
            TransitionOutcome::StatusWas(status) => {
                ignored(format!("the class is {} already", status.as_str()))
            }
            TransitionOutcome::NotFound => ignored("the class is gone".to_owned()),
        };
        match signal {
            ProviderSignal::MeetingStarted { at, .. } => {
                let at = self.instant(at);
                Ok(transition(
                    self.classes.mark_started(&key.0, key.1, at).await?,
                ))
            }
            ProviderSignal::MeetingEnded { at, .. } => {
                // Never before the class's start (a reordered or skewed end).
                let at = class
                    .started_at
                    .map_or(self.instant(at), |start| self.instant(at).max(start));
                Ok(transition(
                    self.classes.mark_ended(&key.0, key.1, at).await?,
                ))
            }
            ProviderSignal::ParticipantJoined { session, at, .. } => {
                let user = self.user_of(&class, provider, &session).await?;
                let at = self.instant(at);
                self.inbox
                    .record_provider_session(&class, provider, &session, user, Some(at), None)
                    .await?;
                Ok(processed())
            }
            ProviderSignal::ParticipantLeft {
                session,
                joined,
                at,
                ..
            } => {
                let user = self.user_of(&class, provider, &session).await?;
                let (joined, at) = (joined.map(|j| self.instant(j)), self.instant(at));
                self.inbox
                    .record_provider_session(&class, provider, &session, user, joined, Some(at))
                    .await?;
                Ok(processed())
            }
            ProviderSignal::Sharing {
                session_key,
                sharing,
                at,
                ..
            } => {
                let Some(session) = self
                    .inbox
                    .provider_session(key.1, provider, &session_key)
                    .await?
                else {
                    // The join may still be on its way: try again later.
                    return Err(Unfinished::Retry(format!(
                        "no join seen yet for {provider} session `{session_key}`"
                    )));
                };
                let Some(user) = session.user_id else {
                    return Ok(ignored(format!(
                        "{provider} session `{session_key}` is not mapped to a LiveClass user"
                    )));
                };
                let change = ControlsChange::ScreenSharing(sharing);
                let at = self.instant(at);
                match self
                    .controls
                    .change_controls(&key.0, key.1, &user, change, &user, at)
                    .await?
                {
                    ControlsOutcome::Done(_) => Ok(processed()),
                    ControlsOutcome::NotParticipating => Ok(ignored(format!(
                        "user `{}` is not in the class",
                        user.as_str()
                    ))),
                    ControlsOutcome::NotLive(status) => Ok(ignored(format!(
                        "the class is {}, not live",
                        status.as_str()
                    ))),
                    ControlsOutcome::NotFound => Ok(ignored("the class is gone".to_owned())),
                }
            }
            // A recording's change is dated now, when LiveClass learns it
            // (its `updated_at`, its event); the provider's times say when
            // it started and how long it is.
            ProviderSignal::RecordingReady {
                recording_id,
                started,
                duration_seconds,
                files,
                ..
            } => {
                let report = ProviderRecordingReady {
                    provider_recording_id: recording_id,
                    new_id: RecordingId::from_uuid(self.ids.new_uuid()),
                    started_at: started.map(|s| self.instant(s)),
                    duration_seconds: duration_seconds.filter(|d| *d >= 0),
                    files,
                    at: truncate_to_micros(self.clock.now()),
                };
                Ok(
                    match self
                        .recordings
                        .provider_recording_ready(&class, &report)
                        .await?
                    {
                        ProviderRecordingOutcome::Changed(_) => processed(),
                        ProviderRecordingOutcome::Unchanged(r) => {
                            ignored(format!("the recording is {} already", r.status.as_str()))
                        }
                        ProviderRecordingOutcome::NoRecording => {
                            ignored("no recording to make ready".to_owned())
                        }
                    },
                )
            }
            ProviderSignal::RecordingFailed {
                recording_id,
                reason,
                ..
            } => Ok(
                match self
                    .recordings
                    .provider_recording_failed(
                        &class,
                        recording_id,
                        reason,
                        truncate_to_micros(self.clock.now()),
                    )
                    .await?
                {
                    ProviderRecordingOutcome::Changed(_) => processed(),
                    ProviderRecordingOutcome::Unchanged(r) => {
                        ignored(format!("the recording is {} already", r.status.as_str()))
                    }
                    ProviderRecordingOutcome::NoRecording => {
                        ignored("no recording of the class is running".to_owned())
                    }
                },
            ),
            ProviderSignal::Unhandled => Ok(ignored("not an event LiveClass acts on".to_owned())),
        }
    }

    /// The LiveClass user a session belongs to: the one among the class's
    /// creator and participants whose provider key is the session's user
    /// hint. A hint nobody of the class matches maps to nobody: a provider
    /// delivery never names a user of another class (or tenant).
    async fn user_of(
        &self,
        class: &LiveClass,
        provider: &str,
        session: &SessionRef,
    ) -> Result<Option<UserId>, RepoError> {
        let Some(hint) = session.user_hint.as_deref() else {
            return Ok(None);
        };
        if self.payloads.user_key(provider, &class.created_by) == hint {
            return Ok(Some(class.created_by.clone()));
        }
        let participations = self
            .participations
            .list_for_class(&class.tenant_id, class.id, false)
            .await?;
        Ok(participations
            .into_iter()
            .map(|p| p.user_id)
            .find(|user| self.payloads.user_key(provider, user) == hint))
    }
}
