//! The provider-event worker's rules, against mocked ports.

use std::sync::Arc;

use mockall::predicate::eq;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use super::*;
use crate::caller::{Caller, Role};
use crate::class::ports::{MockClassRepository, MockParticipationRepository};
use crate::class::{
    Capacity, ClassStatus, LiveClass, ParticipantRole, Participation, Title, TransitionOutcome,
};
use crate::clock::FixedClock;
use crate::controls::{
    ControlsChange, ControlsOutcome, MockControlsRepository, ParticipantControls, ParticipantState,
};
use crate::ids::{ClassId, ParticipationId, RoomId, SequentialIds, TenantId, UserId};
use crate::join_link::JoinHash;
use crate::recording::{
    MockRecordingRepository, ProviderRecordingOutcome, Recording, RecordingId, RecordingStatus,
    Visibility,
};
use crate::store::RepoError;
use crate::video::Room;

const NOW: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn user(raw: &str) -> UserId {
    UserId::parse(raw).unwrap()
}

fn tenant() -> TenantId {
    TenantId::parse("acme").unwrap()
}

fn class(status: ClassStatus) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(Uuid::from_u128(1)),
        tenant_id: tenant(),
        created_by: user("teacher"),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(Uuid::from_u128(2)),
        room: Room {
            provider: "daily".into(),
            external_id: "room-1".into(),
            join_url: "https://x.daily.co/room-1".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: NOW,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::from_uuids(Uuid::from_u128(3), Uuid::from_u128(4)),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: vec![],
        started_at: (status != ClassStatus::Scheduled).then_some(NOW - time::Duration::hours(1)),
        ended_at: None,
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn room() -> RoomRef {
    RoomRef {
        provider: "daily".into(),
        external_id: "room-1".into(),
    }
}

fn delivery(attempts: u32) -> ProviderEvent {
    ProviderEvent {
        id: Uuid::from_u128(9),
        provider: "daily".into(),
        external_id: "evt-1".into(),
        event_type: "participant.joined".into(),
        body: "{}".into(),
        received_at: NOW,
        status: ProviderEventStatus::Received,
        attempts,
        last_error: None,
        processed_at: None,
        tenant_id: None,
        class_id: None,
    }
}

/// Decodes every body as `signal`; a user's provider key is `key:<id>`.
struct Decodes(Result<ProviderSignal, String>);

impl ProviderPayloads for Decodes {
    fn decode(&self, _: &str, _: &str) -> Result<ProviderSignal, String> {
        self.0.clone()
    }
    fn user_key(&self, _: &str, user: &UserId) -> String {
        format!("key:{}", user.as_str())
    }
}

struct Ports {
    inbox: MockProviderEventRepository,
    classes: MockClassRepository,
    participations: MockParticipationRepository,
    controls: MockControlsRepository,
    recordings: MockRecordingRepository,
}

impl Ports {
    /// One due delivery (`attempts` so far), owned by `owner` when given.
    fn new(attempts: u32, owner: Option<LiveClass>) -> Self {
        let mut inbox = MockProviderEventRepository::new();
        inbox
            .expect_claim_provider_events()
            .times(1)
            .returning(move |_, _, _| Ok(vec![delivery(attempts)]));
        inbox
            .expect_class_for_room()
            .with(eq(room()))
            .returning(move |_| Ok(owner.clone()));
        Self {
            inbox,
            classes: MockClassRepository::new(),
            participations: MockParticipationRepository::new(),
            controls: MockControlsRepository::new(),
            recordings: MockRecordingRepository::new(),
        }
    }

    fn expect_finish(&mut self, status: ProviderEventStatus, class: bool) {
        self.inbox
            .expect_finish_provider_event()
            .withf(move |id, s, _, c, at| {
                *id == Uuid::from_u128(9) && *s == status && c.is_some() == class && *at == NOW
            })
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
    }

    fn jobs(self, signal: Result<ProviderSignal, String>) -> ProviderEventJobs {
        ProviderEventJobs::new(
            Arc::new(self.inbox),
            ProviderEventStores {
                classes: Arc::new(self.classes),
                participations: Arc::new(self.participations),
                controls: Arc::new(self.controls),
                recordings: Arc::new(self.recordings),
            },
            Arc::new(Decodes(signal)),
            Arc::new(FixedClock::at(NOW)),
            Arc::new(SequentialIds::default()),
            ProviderEventPolicy::default(),
        )
    }
}

fn session(key: &str, hint: Option<&str>) -> SessionRef {
    SessionRef {
        key: key.into(),
        user_hint: hint.map(str::to_owned),
        name: None,
    }
}

fn participation(who: &str) -> Participation {
    Participation {
        id: ParticipationId::from_uuid(Uuid::new_v4()),
        class_id: class(ClassStatus::Live).id,
        tenant_id: tenant(),
        user_id: user(who),
        user_name: None,
        role: ParticipantRole::Participant,
        joined_at: NOW,
        left_at: None,
    }
}

#[tokio::test]
async fn a_meeting_start_starts_its_scheduled_class_at_the_providers_time() {
    let started = NOW - time::Duration::minutes(3);
    let mut ports = Ports::new(1, Some(class(ClassStatus::Scheduled)));
    ports
        .classes
        .expect_mark_started()
        .with(eq(tenant()), eq(class(ClassStatus::Live).id), eq(started))
        .times(1)
        .returning(|_, _, _| {
            Ok(TransitionOutcome::Changed(Box::new(class(
                ClassStatus::Live,
            ))))
        });
    ports.expect_finish(ProviderEventStatus::Processed, true);
    let report = ports
        .jobs(Ok(ProviderSignal::MeetingStarted {
            room: room(),
            at: started,
        }))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.processed, 1);
}

#[tokio::test]
async fn a_replayed_meeting_end_leaves_an_ended_class_alone_and_is_ignored() {
    let mut ports = Ports::new(1, Some(class(ClassStatus::Ended)));
    ports
        .classes
        .expect_mark_ended()
        .returning(|_, _, _| Ok(TransitionOutcome::StatusWas(ClassStatus::Ended)));
    ports.expect_finish(ProviderEventStatus::Ignored, true);
    let report = ports
        .jobs(Ok(ProviderSignal::MeetingEnded {
            room: room(),
            at: NOW,
        }))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.ignored, 1);
}

#[tokio::test]
async fn an_end_dated_before_the_start_or_in_the_future_is_clamped() {
    let c = class(ClassStatus::Live);
    let start = c.started_at.unwrap();
    for (reported, stored) in [
        (start - time::Duration::minutes(5), start),
        (NOW + time::Duration::hours(2), NOW),
    ] {
        let mut ports = Ports::new(1, Some(c.clone()));
        ports
            .classes
            .expect_mark_ended()
            .with(eq(tenant()), eq(c.id), eq(stored))
            .times(1)
            .returning(|_, _, _| {
                Ok(TransitionOutcome::Changed(Box::new(class(
                    ClassStatus::Ended,
                ))))
            });
        ports.expect_finish(ProviderEventStatus::Processed, true);
        ports
            .jobs(Ok(ProviderSignal::MeetingEnded {
                room: room(),
                at: reported,
            }))
            .run_once()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_room_no_class_owns_is_ignored_without_a_class() {
    let mut ports = Ports::new(1, None);
    ports.expect_finish(ProviderEventStatus::Ignored, false);
    let report = ports
        .jobs(Ok(ProviderSignal::MeetingStarted {
            room: room(),
            at: NOW,
        }))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.ignored, 1);
}

#[tokio::test]
async fn an_event_type_liveclass_does_not_act_on_is_ignored() {
    let mut ports = Ports::new(1, None);
    ports.expect_finish(ProviderEventStatus::Ignored, false);
    let report = ports
        .jobs(Ok(ProviderSignal::Unhandled))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.ignored, 1);
}

#[tokio::test]
async fn a_body_that_does_not_decode_fails_at_once() {
    let mut ports = Ports::new(1, None);
    ports.expect_finish(ProviderEventStatus::Failed, false);
    let report = ports
        .jobs(Err("`payload.room` is missing".into()))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.failed, 1);
}

#[tokio::test]
async fn a_store_failure_is_retried_with_backoff_then_fails_after_the_last_attempt() {
    let policy = ProviderEventPolicy::default();
    let mut ports = Ports::new(2, Some(class(ClassStatus::Scheduled)));
    ports
        .classes
        .expect_mark_started()
        .returning(|_, _, _| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
    ports
        .inbox
        .expect_retry_provider_event()
        .withf(move |_, due, _| *due == NOW + policy.delay_after(2))
        .times(1)
        .returning(|_, _, _| Ok(()));
    let signal = ProviderSignal::MeetingStarted {
        room: room(),
        at: NOW,
    };
    assert_eq!(
        ports
            .jobs(Ok(signal.clone()))
            .run_once()
            .await
            .unwrap()
            .retried,
        1
    );

    let mut last = Ports::new(policy.max_attempts, Some(class(ClassStatus::Scheduled)));
    last.classes
        .expect_mark_started()
        .returning(|_, _, _| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
    last.expect_finish(ProviderEventStatus::Failed, false);
    assert_eq!(last.jobs(Ok(signal)).run_once().await.unwrap().failed, 1);
}

#[tokio::test]
async fn a_join_maps_the_session_to_the_class_member_whose_key_it_carries() {
    let c = class(ClassStatus::Live);
    for (hint, mapped) in [
        (Some("key:ada"), Some(user("ada"))),
        (Some("key:teacher"), Some(user("teacher"))),
        // Someone of another class (or tenant) maps to nobody.
        (Some("key:mallory"), None),
        (None, None),
    ] {
        let mut ports = Ports::new(1, Some(c.clone()));
        ports
            .participations
            .expect_list_for_class()
            .returning(|_, _, _| Ok(vec![participation("ada"), participation("bob")]));
        let expected = mapped.clone();
        ports
            .inbox
            .expect_record_provider_session()
            .withf(move |_, provider, s, u, joined, left| {
                provider == "daily"
                    && s.key == "sess-1"
                    && *u == expected
                    && *joined == Some(NOW)
                    && left.is_none()
            })
            .times(1)
            .returning(|c, _, s, u, j, l| {
                Ok(ProviderSession {
                    class_id: c.id,
                    tenant_id: c.tenant_id.clone(),
                    provider: "daily".into(),
                    key: s.key.clone(),
                    user_id: u,
                    name: None,
                    joined_at: j,
                    left_at: l,
                })
            });
        ports.expect_finish(ProviderEventStatus::Processed, true);
        ports
            .jobs(Ok(ProviderSignal::ParticipantJoined {
                room: room(),
                session: session("sess-1", hint),
                at: NOW,
            }))
            .run_once()
            .await
            .unwrap();
    }
}

fn stored_session(user_id: Option<UserId>) -> ProviderSession {
    ProviderSession {
        class_id: class(ClassStatus::Live).id,
        tenant_id: tenant(),
        provider: "daily".into(),
        key: "p-1".into(),
        user_id,
        name: None,
        joined_at: Some(NOW),
        left_at: None,
    }
}

fn sharing() -> Result<ProviderSignal, String> {
    Ok(ProviderSignal::Sharing {
        room: room(),
        session_key: "p-1".into(),
        sharing: true,
        at: NOW,
    })
}

#[tokio::test]
async fn sharing_sets_the_mapped_participants_screen_sharing_as_their_own_change() {
    let mut ports = Ports::new(1, Some(class(ClassStatus::Live)));
    ports
        .inbox
        .expect_provider_session()
        .returning(|_, _, _| Ok(Some(stored_session(Some(user("ada"))))));
    ports
        .controls
        .expect_change_controls()
        .withf(|t, _, u, change, by, at| {
            *t == tenant()
                && *u == user("ada")
                && *change == ControlsChange::ScreenSharing(true)
                && *by == user("ada")
                && *at == NOW
        })
        .times(1)
        .returning(|_, _, _, _, _, _| {
            Ok(ControlsOutcome::Done(Box::new(ParticipantState {
                participation: participation("ada"),
                controls: ParticipantControls {
                    screen_sharing: true,
                    ..ParticipantControls::default()
                },
            })))
        });
    ports.expect_finish(ProviderEventStatus::Processed, true);
    assert_eq!(ports.jobs(sharing()).run_once().await.unwrap().processed, 1);
}

#[tokio::test]
async fn sharing_before_its_join_is_retried_and_an_unmapped_sharer_is_ignored() {
    let mut early = Ports::new(1, Some(class(ClassStatus::Live)));
    early
        .inbox
        .expect_provider_session()
        .returning(|_, _, _| Ok(None));
    early
        .inbox
        .expect_retry_provider_event()
        .times(1)
        .returning(|_, _, _| Ok(()));
    assert_eq!(early.jobs(sharing()).run_once().await.unwrap().retried, 1);

    let mut unmapped = Ports::new(1, Some(class(ClassStatus::Live)));
    unmapped
        .inbox
        .expect_provider_session()
        .returning(|_, _, _| Ok(Some(stored_session(None))));
    unmapped.expect_finish(ProviderEventStatus::Ignored, true);
    assert_eq!(
        unmapped.jobs(sharing()).run_once().await.unwrap().ignored,
        1
    );
}

fn caller(roles: Vec<Role>) -> Caller {
    Caller {
        user_id: user("admin"),
        tenant_id: tenant(),
        roles,
        name: None,
    }
}

#[tokio::test]
async fn only_org_admins_list_and_reprocess_and_only_their_tenants_deliveries() {
    let mut inbox = MockProviderEventRepository::new();
    inbox
        .expect_list_provider_events()
        .with(
            eq(tenant()),
            eq(Some(ProviderEventStatus::Failed)),
            eq(MAX_LIST_LIMIT),
        )
        .times(1)
        .returning(|_, _, _| Ok(vec![]));
    inbox
        .expect_reprocess_provider_event()
        .with(eq(tenant()), eq(Uuid::from_u128(9)), eq(NOW))
        .times(1)
        .returning(|_, _, _| Ok(None));
    let svc = ProviderEventService::new(Arc::new(inbox), Arc::new(FixedClock::at(NOW)));
    let manager = caller(vec![Role::TrainingManager]);
    assert!(matches!(
        svc.list(&manager, None, 10).await,
        Err(ListProviderEventsError::Forbidden)
    ));
    assert!(matches!(
        svc.reprocess(&manager, Uuid::from_u128(9)).await,
        Err(ReprocessProviderEventError::Forbidden)
    ));
    let admin = caller(vec![Role::OrgAdmin]);
    // A limit past the cap is capped.
    assert!(
        svc.list(&admin, Some(ProviderEventStatus::Failed), 10_000)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        svc.reprocess(&admin, Uuid::from_u128(9)).await,
        Err(ReprocessProviderEventError::NotFound)
    ));
}

#[test]
fn statuses_round_trip_and_the_backoff_doubles_up_to_its_cap() {
    for s in [
        ProviderEventStatus::Received,
        ProviderEventStatus::Processed,
        ProviderEventStatus::Ignored,
        ProviderEventStatus::Failed,
    ] {
        assert_eq!(ProviderEventStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(ProviderEventStatus::parse("done"), None);
    let p = ProviderEventPolicy::default();
    assert_eq!(p.delay_after(1), p.first_delay);
    assert_eq!(p.delay_after(2), p.first_delay * 2);
    assert_eq!(p.delay_after(60), p.max_delay);
}

fn recording(status: RecordingStatus) -> Recording {
    Recording {
        id: RecordingId::from_uuid(Uuid::from_u128(20)),
        tenant_id: tenant(),
        class_id: class(ClassStatus::Live).id,
        provider: "daily".into(),
        provider_recording_id: Some("rec-1".into()),
        status,
        visibility: Visibility::DEFAULT,
        started_by: None,
        started_at: None,
        stopped_at: None,
        duration_seconds: None,
        failure: None,
        external_url: None,
        grants: Vec::new(),
        files: Vec::new(),
        created_at: NOW,
        updated_at: NOW,
    }
}

#[tokio::test]
async fn a_ready_recording_is_reported_to_the_store_once_and_a_replay_is_ignored() {
    let signal = ProviderSignal::RecordingReady {
        room: room(),
        recording_id: "rec-1".into(),
        started: Some(NOW - time::Duration::minutes(30)),
        duration_seconds: Some(1800),
        files: Vec::new(),
        at: NOW - time::Duration::hours(1),
    };
    for (outcome, status) in [
        (
            ProviderRecordingOutcome::Changed(Box::new(recording(RecordingStatus::Ready))),
            ProviderEventStatus::Processed,
        ),
        (
            ProviderRecordingOutcome::Unchanged(Box::new(recording(RecordingStatus::Ready))),
            ProviderEventStatus::Ignored,
        ),
    ] {
        let mut ports = Ports::new(1, Some(class(ClassStatus::Ended)));
        ports
            .recordings
            .expect_provider_recording_ready()
            .withf(|c, r| {
                c.id == class(ClassStatus::Live).id
                    && r.provider_recording_id == "rec-1"
                    && r.duration_seconds == Some(1800)
                    && r.at == NOW
            })
            .times(1)
            .return_once(move |_, _| Ok(outcome));
        ports.expect_finish(status, true);
        ports.jobs(Ok(signal.clone())).run_once().await.unwrap();
    }
}

#[tokio::test]
async fn a_failed_recording_names_its_reason_and_nothing_running_is_ignored() {
    let mut ports = Ports::new(1, Some(class(ClassStatus::Live)));
    ports
        .recordings
        .expect_provider_recording_failed()
        .withf(|_, id, reason, _| id.is_none() && reason == "disk full")
        .times(1)
        .returning(|_, _, _, _| Ok(ProviderRecordingOutcome::NoRecording));
    ports.expect_finish(ProviderEventStatus::Ignored, true);
    ports
        .jobs(Ok(ProviderSignal::RecordingFailed {
            room: room(),
            recording_id: None,
            reason: "disk full".into(),
            at: NOW,
        }))
        .run_once()
        .await
        .unwrap();
}
