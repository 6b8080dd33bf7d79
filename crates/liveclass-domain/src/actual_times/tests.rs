use std::sync::Arc;

use time::macros::datetime;

use super::*;
use time::{Duration, OffsetDateTime};

use crate::caller::Caller;
use crate::caller::Role;
use crate::class::ports::MockClassRepository;
use crate::class::{Capacity, Title};
use crate::class::{ClassStatus, LiveClass, TransitionOutcome};
use crate::clock::FixedClock;
use crate::ids::ClassId;
use crate::ids::{RoomId, TenantId, UserId};
use crate::join_link::JoinHash;
use crate::video::Room;

const NOW: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn class(status: ClassStatus, started_at: Option<OffsetDateTime>) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        created_by: UserId::parse("teacher-1").unwrap(),
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
        co_hosts: Vec::new(),
        started_at,
        ended_at: None,
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn verdict(c: &LiveClass, t: ActualTime) -> Result<(), RecordActualTimeError> {
    check(c, t, NOW, &ActualTimesPolicy::default())
}

#[test]
fn a_start_must_be_within_two_minutes_of_now() {
    let c = class(ClassStatus::Scheduled, None);
    for ok in [-2, 0, 2] {
        assert!(verdict(&c, ActualTime::StartedAt(NOW + Duration::minutes(ok))).is_ok());
    }
    for late in [-3, 3] {
        assert!(matches!(
            verdict(&c, ActualTime::StartedAt(NOW + Duration::minutes(late))),
            Err(RecordActualTimeError::StartedAtNotNow)
        ));
    }
}

#[test]
fn a_start_is_recorded_only_once() {
    let live = class(ClassStatus::Live, Some(NOW));
    assert!(matches!(
        verdict(&live, ActualTime::StartedAt(NOW)),
        Err(RecordActualTimeError::StartedAtAlreadySet)
    ));
    let cancelled = class(ClassStatus::Cancelled, None);
    assert!(matches!(
        verdict(&cancelled, ActualTime::StartedAt(NOW)),
        Err(RecordActualTimeError::Cancelled)
    ));
}

#[test]
fn an_end_needs_a_start_before_it_and_a_minimum_length() {
    let scheduled = class(ClassStatus::Scheduled, None);
    assert!(matches!(
        verdict(&scheduled, ActualTime::EndedAt(NOW)),
        Err(RecordActualTimeError::StartedAtNotSet)
    ));
    let started = NOW - Duration::minutes(45);
    let live = class(ClassStatus::Live, Some(started));
    assert!(matches!(
        verdict(&live, ActualTime::EndedAt(started)),
        Err(RecordActualTimeError::EndedAtBeforeStart)
    ));
    assert!(matches!(
        verdict(&live, ActualTime::EndedAt(started + Duration::minutes(29))),
        Err(RecordActualTimeError::EndedAtTooSoon { minutes: 30 })
    ));
    assert!(verdict(&live, ActualTime::EndedAt(started + Duration::minutes(30))).is_ok());
    assert!(matches!(
        verdict(&live, ActualTime::EndedAt(NOW + Duration::minutes(3))),
        Err(RecordActualTimeError::EndedAtInFuture)
    ));
}

#[test]
fn an_end_more_than_a_day_old_is_refused() {
    let started = NOW - Duration::hours(30);
    let live = class(ClassStatus::Live, Some(started));
    assert!(matches!(
        verdict(&live, ActualTime::EndedAt(NOW - Duration::hours(25))),
        Err(RecordActualTimeError::EndedAtTooOld)
    ));
    assert!(verdict(&live, ActualTime::EndedAt(NOW - Duration::hours(23))).is_ok());
    let ended = class(ClassStatus::Ended, Some(started));
    assert!(matches!(
        verdict(&ended, ActualTime::EndedAt(NOW)),
        Err(RecordActualTimeError::EndedAtAlreadySet)
    ));
}

fn service(repo: MockClassRepository) -> ActualTimesService {
    ActualTimesService::new(
        Arc::new(repo),
        Arc::new(FixedClock::at(NOW)),
        ActualTimesPolicy::default(),
    )
}

fn staff(roles: Vec<Role>) -> Caller {
    Caller {
        user_id: UserId::parse("manager").unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles,
        name: None,
    }
}

#[tokio::test]
async fn recording_an_end_uses_the_teachers_end_path_at_that_instant() {
    let started = NOW - Duration::hours(1);
    let at = NOW - Duration::minutes(10);
    let mut repo = MockClassRepository::new();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(class(ClassStatus::Live, Some(started)))));
    repo.expect_mark_ended()
        .withf(move |_, _, when| *when == at)
        .times(1)
        .returning(move |_, _, _| {
            let mut c = class(ClassStatus::Ended, Some(started));
            c.ended_at = Some(at);
            Ok(TransitionOutcome::Changed(Box::new(c)))
        });
    let ended = service(repo)
        .record(
            &staff(vec![Role::OrgAdmin]),
            ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            ActualTime::EndedAt(at),
        )
        .await
        .unwrap();
    assert_eq!(ended.ended_at, Some(at));
}

#[tokio::test]
async fn only_staff_record_times() {
    let mut repo = MockClassRepository::new();
    repo.expect_find()
        .returning(|_, _| Ok(Some(class(ClassStatus::Scheduled, None))));
    let err = service(repo)
        .record(
            &staff(vec![Role::Other("student".into())]),
            ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            ActualTime::StartedAt(NOW),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RecordActualTimeError::Forbidden));
}

#[tokio::test]
async fn another_tenants_class_is_not_found_for_students_too() {
    let mut repo = MockClassRepository::new();
    repo.expect_find().returning(|_, _| Ok(None));
    let err = service(repo)
        .record(
            &staff(vec![Role::Other("student".into())]),
            ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            ActualTime::StartedAt(NOW),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RecordActualTimeError::NotFound));
}

#[tokio::test]
async fn a_start_that_loses_a_race_is_already_set() {
    let mut repo = MockClassRepository::new();
    repo.expect_find()
        .returning(|_, _| Ok(Some(class(ClassStatus::Scheduled, None))));
    repo.expect_mark_started()
        .returning(|_, _, _| Ok(TransitionOutcome::StatusWas(ClassStatus::Live)));
    let err = service(repo)
        .record(
            &staff(vec![Role::TrainingManager]),
            ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            ActualTime::StartedAt(NOW),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RecordActualTimeError::StartedAtAlreadySet));
}
