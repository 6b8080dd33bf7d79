#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::caller::{Caller, Role};
use crate::class::ports::MockClassRepository;
use crate::class::{
    Capacity, ClassStatus, CoHostChange, CoHostRefusal, LiveClass, ParticipantRole, Participation,
    Title, is_moderator, may_name_co_hosts,
};
use crate::clock::FixedClock;
use crate::events::{EventType, NewEvent};
use crate::ids::{ClassId, ParticipationId, RoomId, TenantId, UserId};
use crate::join_link::JoinHash;
use crate::video::Room;

const NOW: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn user(raw: &str) -> UserId {
    UserId::parse(raw).unwrap()
}

fn class(status: ClassStatus) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
        tenant_id: TenantId::parse("acme").unwrap(),
        created_by: user("teacher"),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(2)),
        room: Room {
            provider: "jitsi".into(),
            external_id: "r".into(),
            join_url: "https://meet.example/r".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: NOW,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::from_uuids(uuid::Uuid::from_u128(3), uuid::Uuid::from_u128(4)),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: vec![user("assistant")],
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn caller(who: &str, roles: Vec<Role>) -> Caller {
    Caller {
        user_id: user(who),
        tenant_id: TenantId::parse("acme").unwrap(),
        roles,
        name: None,
    }
}

fn state(who: &str, joined: OffsetDateTime, controls: ParticipantControls) -> ParticipantState {
    ParticipantState {
        participation: Participation {
            id: ParticipationId::from_uuid(uuid::Uuid::new_v4()),
            class_id: class(ClassStatus::Live).id,
            tenant_id: TenantId::parse("acme").unwrap(),
            user_id: user(who),
            user_name: None,
            role: ParticipantRole::Participant,
            joined_at: joined,
            left_at: None,
        },
        controls,
    }
}

// --- roles ----------------------------------------------------------------

#[test]
fn a_co_host_moderates_like_the_host_and_the_managers() {
    let c = class(ClassStatus::Live);
    assert!(is_moderator(&caller("teacher", vec![]), &c));
    assert!(is_moderator(&caller("assistant", vec![]), &c));
    assert!(is_moderator(
        &caller("boss", vec![Role::TrainingManager]),
        &c
    ));
    assert!(!is_moderator(&caller("student", vec![]), &c));
}

#[test]
fn only_the_host_and_the_managers_name_co_hosts_not_a_co_host() {
    let c = class(ClassStatus::Live);
    assert!(may_name_co_hosts(&caller("teacher", vec![]), &c));
    assert!(may_name_co_hosts(
        &caller("admin", vec![Role::OrgAdmin]),
        &c
    ));
    assert!(!may_name_co_hosts(&caller("assistant", vec![]), &c));
    assert!(!may_name_co_hosts(&caller("student", vec![]), &c));
}

#[test]
fn a_co_host_may_not_end_or_cancel_the_class() {
    let live = class(ClassStatus::Live);
    assert!(
        live.check_transition(&user("assistant"), ClassStatus::Ended)
            .is_err()
    );
    let scheduled = class(ClassStatus::Scheduled);
    assert!(
        scheduled
            .check_transition(&user("assistant"), ClassStatus::Cancelled)
            .is_err()
    );
    assert!(
        live.check_transition(&user("teacher"), ClassStatus::Ended)
            .is_ok()
    );
}

#[test]
fn granting_appends_in_order_and_is_idempotent() {
    let c = class(ClassStatus::Scheduled);
    let next = c
        .co_hosts_after(&user("second"), CoHostChange::Grant)
        .unwrap()
        .unwrap();
    assert_eq!(next, vec![user("assistant"), user("second")]);
    assert_eq!(
        c.co_hosts_after(&user("assistant"), CoHostChange::Grant),
        Ok(None)
    );
}

#[test]
fn revoking_removes_and_is_idempotent() {
    let c = class(ClassStatus::Live);
    assert_eq!(
        c.co_hosts_after(&user("assistant"), CoHostChange::Revoke),
        Ok(Some(vec![]))
    );
    assert_eq!(
        c.co_hosts_after(&user("nobody"), CoHostChange::Revoke),
        Ok(None)
    );
}

#[test]
fn the_host_cannot_be_a_co_host() {
    let c = class(ClassStatus::Live);
    assert_eq!(
        c.co_hosts_after(&user("teacher"), CoHostChange::Grant),
        Err(CoHostRefusal::IsHost)
    );
}

#[test]
fn co_hosts_do_not_change_once_the_class_is_over() {
    for status in [ClassStatus::Ended, ClassStatus::Cancelled] {
        let c = class(status);
        assert_eq!(
            c.co_hosts_after(&user("new"), CoHostChange::Grant),
            Err(CoHostRefusal::Finished(status))
        );
        assert_eq!(
            c.co_hosts_after(&user("assistant"), CoHostChange::Revoke),
            Err(CoHostRefusal::Finished(status))
        );
    }
}

#[test]
fn a_class_has_at_most_twenty_co_hosts() {
    let mut c = class(ClassStatus::Live);
    c.co_hosts = (0..LiveClass::MAX_CO_HOSTS)
        .map(|i| user(&format!("u{i}")))
        .collect();
    assert_eq!(
        c.co_hosts_after(&user("one-more"), CoHostChange::Grant),
        Err(CoHostRefusal::TooMany)
    );
    assert!(
        c.co_hosts_after(&user("u0"), CoHostChange::Revoke)
            .unwrap()
            .is_some()
    );
}

// --- controls ---------------------------------------------------------------

#[test]
fn controls_default_to_microphone_and_camera_allowed_hand_down_no_sharing() {
    let d = ParticipantControls::default();
    assert!(d.mic_allowed && d.camera_allowed && !d.hand_raised() && !d.screen_sharing);
}

#[test]
fn a_patch_may_lower_a_hand_but_never_raise_one_and_is_never_empty() {
    assert_eq!(
        ControlsPatch::new(None, None, Some(true))
            .unwrap_err()
            .field,
        crate::validation::Field::HandRaised
    );
    assert!(ControlsPatch::new(None, None, None).is_err());
    let p = ControlsPatch::new(Some(false), None, Some(false)).unwrap();
    assert_eq!(p.mic_allowed, Some(false));
    assert!(p.lower_hand);
}

#[test]
fn a_patch_changes_only_what_it_names_and_reports_it() {
    let at = NOW;
    let patch = ControlsPatch::new(Some(false), None, None).unwrap();
    let (next, effect) = ParticipantControls::default().apply(ControlsChange::Patch(patch), at);
    assert!(!next.mic_allowed && next.camera_allowed);
    assert!(effect.permissions_changed && !effect.hand_raised && !effect.hand_lowered);
    // The same patch again changes nothing: no event.
    let (again, effect) = next.apply(ControlsChange::Patch(patch), at);
    assert_eq!(again, next);
    assert!(!effect.changed());
}

#[test]
fn raising_keeps_the_first_raise_time_and_lowering_is_idempotent() {
    let first = NOW;
    let later = datetime!(2030-03-04 19:05 UTC);
    let (up, effect) = ParticipantControls::default().apply(ControlsChange::RaiseHand, first);
    assert_eq!(up.hand_raised_at, Some(first));
    assert!(effect.hand_raised);
    let (still, effect) = up.apply(ControlsChange::RaiseHand, later);
    assert_eq!(still.hand_raised_at, Some(first), "keeps its place in line");
    assert!(!effect.changed());
    let (down, effect) = still.apply(ControlsChange::LowerHand, later);
    assert!(!down.hand_raised() && effect.hand_lowered);
    let (_, effect) = down.apply(ControlsChange::LowerHand, later);
    assert!(!effect.changed());
}

#[test]
fn a_moderator_lowers_a_hand_with_a_patch() {
    let (up, _) = ParticipantControls::default().apply(ControlsChange::RaiseHand, NOW);
    let patch = ControlsPatch::new(None, None, Some(false)).unwrap();
    let (down, effect) = up.apply(ControlsChange::Patch(patch), NOW);
    assert!(!down.hand_raised());
    assert!(effect.hand_lowered && !effect.permissions_changed);
}

#[test]
fn mute_all_spares_the_host_and_the_co_hosts_and_mutes_the_camera_only_when_asked() {
    let c = class(ClassStatus::Live);
    assert!(!muted_by_mute_all(&c, &user("teacher")));
    assert!(!muted_by_mute_all(&c, &user("assistant")));
    assert!(muted_by_mute_all(&c, &user("student")));
    assert_eq!(mute_all_patch(false).camera_allowed, None);
    assert_eq!(mute_all_patch(true).camera_allowed, Some(false));
    assert_eq!(mute_all_patch(true).mic_allowed, Some(false));
}

#[test]
fn raised_hands_come_in_order_of_raising_not_of_joining() {
    let raised = |at| ParticipantControls {
        hand_raised_at: Some(at),
        ..ParticipantControls::default()
    };
    let states = vec![
        state("early-joiner", NOW, raised(datetime!(2030-03-04 19:10 UTC))),
        state("no-hand", NOW, ParticipantControls::default()),
        state(
            "late-joiner",
            datetime!(2030-03-04 19:01 UTC),
            raised(datetime!(2030-03-04 19:02 UTC)),
        ),
    ];
    let order: Vec<String> = raised_hands(states)
        .into_iter()
        .map(|s| s.participation.user_id.to_string())
        .collect();
    assert_eq!(order, ["late-joiner", "early-joiner"]);
}

#[test]
fn a_change_yields_its_events_in_order_with_the_controls_after_it() {
    let s = state("student", NOW, ParticipantControls::default());
    let effect = ControlsEffect {
        permissions_changed: true,
        sharing_changed: false,
        hand_raised: false,
        hand_lowered: true,
    };
    let events = NewEvent::controls_changed(&s, effect, &user("teacher"), NOW);
    let types: Vec<EventType> = events.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [EventType::ParticipantUpdated, EventType::HandLowered]
    );
    assert_eq!(events[0].data["participant"]["micAllowed"], true);
    assert_eq!(events[0].data["by"], "teacher");
    assert!(NewEvent::controls_changed(&s, ControlsEffect::default(), &user("t"), NOW).is_empty());
    assert!(EventType::ALL.contains(&EventType::CoHostGranted));
    assert!(EventType::ALL.contains(&EventType::HandRaised));
}

// --- the service --------------------------------------------------------------

fn service(classes: MockClassRepository, repo: MockControlsRepository) -> ControlService {
    ControlService::new(
        Arc::new(classes),
        Arc::new(repo),
        Arc::new(FixedClock::at(NOW)),
    )
}

fn finding(c: LiveClass) -> MockClassRepository {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(Some(c.clone())));
    classes
}

#[tokio::test]
async fn a_co_host_cannot_name_co_hosts() {
    let svc = service(
        finding(class(ClassStatus::Live)),
        MockControlsRepository::new(),
    );
    let c = class(ClassStatus::Live);
    let err = svc
        .grant_co_host(&caller("assistant", vec![]), c.id, user("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, CoHostError::NotHost));
}

#[tokio::test]
async fn naming_the_host_a_co_host_is_a_validation_error() {
    let mut repo = MockControlsRepository::new();
    repo.expect_change_co_host()
        .returning(|_, _, _, _, _, _| Ok(CoHostOutcome::Refused(CoHostRefusal::IsHost)));
    let c = class(ClassStatus::Live);
    let err = service(finding(c.clone()), repo)
        .grant_co_host(&caller("teacher", vec![]), c.id, user("teacher"))
        .await
        .unwrap_err();
    assert!(matches!(err, CoHostError::Invalid(e) if e.field == crate::validation::Field::UserId));
}

#[tokio::test]
async fn a_participant_cannot_patch_or_mute_all_but_a_co_host_can() {
    let c = class(ClassStatus::Live);
    let patch = ControlsPatch::new(Some(false), None, None).unwrap();
    let svc = service(finding(c.clone()), MockControlsRepository::new());
    let err = svc
        .update_participant(&caller("student", vec![]), c.id, user("other"), patch)
        .await
        .unwrap_err();
    assert!(matches!(err, ControlsError::NotModerator));
    let err = svc
        .mute_all(&caller("student", vec![]), c.id, false)
        .await
        .unwrap_err();
    assert!(matches!(err, ControlsError::NotModerator));

    let mut repo = MockControlsRepository::new();
    repo.expect_mute_all()
        .withf(|_, _, camera, by, _| !*camera && by.as_str() == "assistant")
        .returning(|_, _, _, _, _| Ok(MuteAllOutcome::Muted(vec![])));
    let muted = service(finding(c.clone()), repo)
        .mute_all(&caller("assistant", vec![]), c.id, false)
        .await
        .unwrap();
    assert!(muted.is_empty());
}

#[tokio::test]
async fn store_refusals_become_the_services_errors() {
    let c = class(ClassStatus::Live);
    for (outcome, expected) in [
        (ControlsOutcome::NotParticipating, "not participating"),
        (ControlsOutcome::NotLive(ClassStatus::Ended), "not live"),
        (ControlsOutcome::NotFound, "not found"),
    ] {
        let mut repo = MockControlsRepository::new();
        repo.expect_change_controls()
            .withf(|_, _, u, change, _, _| {
                u.as_str() == "student" && *change == ControlsChange::RaiseHand
            })
            .returning(move |_, _, _, _, _, _| Ok(outcome.clone()));
        let err = service(MockClassRepository::new(), repo)
            .move_hand(&caller("student", vec![]), c.id, true)
            .await
            .unwrap_err();
        let ok = match expected {
            "not participating" => matches!(err, ControlsError::NotParticipating),
            "not live" => matches!(err, ControlsError::NotLive(ClassStatus::Ended)),
            _ => matches!(err, ControlsError::ClassNotFound),
        };
        assert!(ok, "{expected}: {err:?}");
    }
}

#[tokio::test]
async fn hands_are_for_moderators_and_participants_only() {
    let c = class(ClassStatus::Live);
    let in_class = state("student", NOW, ParticipantControls::default());
    let mut repo = MockControlsRepository::new();
    let (cc, s) = (c.clone(), in_class.clone());
    repo.expect_participant_states()
        .returning(move |_, _| Ok(Some((cc.clone(), vec![s.clone()]))));
    let svc = service(MockClassRepository::new(), repo);
    assert!(svc.hands(&caller("student", vec![]), c.id).await.is_ok());
    assert!(svc.hands(&caller("assistant", vec![]), c.id).await.is_ok());
    assert!(matches!(
        svc.hands(&caller("outsider", vec![]), c.id).await,
        Err(HandsError::NotAdmitted)
    ));
}

#[test]
fn screen_sharing_set_by_the_provider_is_a_participant_update_and_idempotent() {
    let before = ParticipantControls::default();
    let (sharing, effect) = before.apply(ControlsChange::ScreenSharing(true), NOW);
    assert!(sharing.screen_sharing);
    assert!(effect.sharing_changed && effect.changed() && !effect.permissions_changed);
    let s = state("student", NOW, sharing);
    let events = NewEvent::controls_changed(&s, effect, &user("student"), NOW);
    let types: Vec<EventType> = events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, vec![EventType::ParticipantUpdated]);
    assert_eq!(events[0].data["participant"]["screenSharing"], true);
    // Reported again: nothing changes, no event.
    let (_, again) = sharing.apply(ControlsChange::ScreenSharing(true), NOW);
    assert!(!again.changed());
    let (stopped, effect) = sharing.apply(ControlsChange::ScreenSharing(false), NOW);
    assert!(!stopped.screen_sharing && effect.sharing_changed);
}
