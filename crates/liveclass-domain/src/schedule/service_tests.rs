use std::collections::HashSet;
use std::sync::Arc;

use time::macros::{date, datetime};

use super::*;
use crate::caller::Role;
use crate::clock::FixedClock;
use crate::ids::{SequentialIds, TenantId, UserId};
use crate::schedule::ports::{GenerationOutcome, MockScheduleRepository};
use crate::store::RepoError;
use crate::video::{MockVideoProvider, Room};

// Between the 2030-03-04 and 2030-03-06 classes of the test schedule.
const NOW: OffsetDateTime = datetime!(2030-03-05 12:00 UTC);

fn manager() -> Caller {
    Caller {
        user_id: UserId::parse("manager-1").unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: vec![Role::TrainingManager],
        name: None,
    }
}

fn student() -> Caller {
    Caller {
        roles: vec![Role::Other("student".into())],
        ..manager()
    }
}

fn input() -> ScheduleInput {
    ScheduleInput {
        course_id: "web-dev-ft-2030".into(),
        title: "Web Dev live class".into(),
        teacher_id: Some("teacher-1".into()),
        max_participants: Some(120),
        timezone: "America/New_York".into(),
        start_time: "14:00".into(),
        duration_minutes: 120,
        frequency: "weekly".into(),
        interval: None,
        weekdays: Some(vec!["MO".into(), "WE".into()]),
        starts_on: "2030-03-01".into(),
        ends_on: Some("2030-03-31".into()),
        admission_policy: None,
    }
}

/// The input parsed as the HTTP edge parses it, with the manager as the
/// default teacher.
fn spec(i: ScheduleInput) -> ScheduleSpec {
    ScheduleSpec::parse(&i, &manager().user_id, &SchedulePolicy::default()).unwrap()
}

fn room(n: usize) -> Room {
    Room {
        provider: "jitsi".into(),
        external_id: format!("room-{n}"),
        join_url: format!("https://meet.example/room-{n}"),
        host_url: None,
        password: None,
    }
}

fn video_making_rooms() -> MockVideoProvider {
    let mut video = MockVideoProvider::new();
    let made = std::sync::atomic::AtomicUsize::new(0);
    video.expect_create_room().returning(move |_| {
        Ok(room(
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        ))
    });
    video
}

fn service(repo: MockScheduleRepository, video: MockVideoProvider) -> ScheduleService {
    ScheduleService::new(
        Arc::new(repo),
        Arc::new(video),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
        SchedulePolicy::default(),
    )
}

fn outcome_of(plan: &GenerationPlan) -> GenerationOutcome {
    GenerationOutcome {
        created: u32::try_from(plan.new_classes.len()).unwrap(),
        ..GenerationOutcome::default()
    }
}

#[tokio::test]
async fn only_managers_may_create_schedules() {
    let svc = service(MockScheduleRepository::new(), MockVideoProvider::new());
    assert!(matches!(
        svc.create(&student(), spec(input())).await,
        Err(CreateScheduleError::Forbidden)
    ));
}

#[tokio::test]
async fn creating_a_schedule_generates_its_future_classes_only() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_insert().times(1).returning(|_, _| Ok(()));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    repo.expect_apply_generation()
        .times(1)
        .withf(|plan| {
            // 8 classes in March; 03-04 is past at NOW.
            plan.occurrences.len() == 7
                && plan.new_classes.len() == 7
                && plan.new_classes.iter().all(|c| {
                    c.scheduled_at > NOW
                        && c.scheduled_end == Some(c.scheduled_at + time::Duration::hours(2))
                        && c.created_by.as_str() == "teacher-1"
                        && c.course_id.as_ref().map(CourseId::as_str) == Some("web-dev-ft-2030")
                        && c.occurrence
                            .is_some_and(|o| o.schedule_id == plan.schedule_id)
                        && c.max_participants.get() == 120
                })
                && plan.new_classes[0].occurrence.map(|o| o.date) == Some(date!(2030 - 03 - 06))
        })
        .returning(|plan| Ok(outcome_of(plan)));
    repo.expect_upcoming_classes()
        .returning(|_, _, _, _| Ok(vec![]));
    let view = service(repo, video_making_rooms())
        .create(&manager(), spec(input()))
        .await
        .unwrap();
    assert_eq!(view.generation.created, 7);
    assert_eq!(view.schedule.created_by.as_str(), "manager-1");
    assert_eq!(view.schedule.spec.teacher_id.as_str(), "teacher-1");
}

#[tokio::test]
async fn a_schedule_over_the_occurrence_cap_is_refused_before_anything_is_stored() {
    let mut i = input();
    i.frequency = "daily".into();
    i.weekdays = None;
    i.ends_on = Some("2032-01-01".into());
    let svc = service(MockScheduleRepository::new(), MockVideoProvider::new());
    let err = svc.create(&manager(), spec(i)).await.unwrap_err();
    assert!(matches!(
        err,
        CreateScheduleError::TooManyOccurrences(TooManyOccurrencesCheck { max: 500 })
    ));
}

use super::super::expand::TooManyOccurrences as TooManyOccurrencesCheck;

#[tokio::test]
async fn regeneration_makes_rooms_only_for_occurrences_without_a_class() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_insert().returning(|_, _| Ok(()));
    repo.expect_occurrence_dates().returning(|_, _| {
        Ok([date!(2030 - 03 - 06), date!(2030 - 03 - 11)]
            .into_iter()
            .collect())
    });
    repo.expect_apply_generation()
        .withf(|plan| plan.occurrences.len() == 7 && plan.new_classes.len() == 5)
        .returning(|plan| Ok(outcome_of(plan)));
    repo.expect_upcoming_classes()
        .returning(|_, _, _, _| Ok(vec![]));
    let mut video = MockVideoProvider::new();
    video
        .expect_create_room()
        .times(5)
        .returning(|_| Ok(room(0)));
    let view = service(repo, video)
        .create(&manager(), spec(input()))
        .await
        .unwrap();
    assert_eq!(view.generation.created, 5);
}

#[tokio::test]
async fn rooms_of_classes_not_inserted_or_removed_are_deleted() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_insert().returning(|_, _| Ok(()));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    repo.expect_apply_generation().returning(|_| {
        Ok(GenerationOutcome {
            created: 0,
            updated: 0,
            removed: vec![room(100)],
            unused: vec![room(101), room(102)],
        })
    });
    repo.expect_upcoming_classes()
        .returning(|_, _, _, _| Ok(vec![]));
    let mut video = video_making_rooms();
    video.expect_delete_room().times(3).returning(|_| Ok(()));
    let view = service(repo, video)
        .create(&manager(), spec(input()))
        .await
        .unwrap();
    assert_eq!(view.generation.removed, 1);
}

#[tokio::test]
async fn a_failed_store_gives_the_new_rooms_back() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_insert().returning(|_, _| Ok(()));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    repo.expect_apply_generation()
        .returning(|_| Err(RepoError::Unexpected(anyhow::anyhow!("disk on fire"))));
    let mut video = video_making_rooms();
    video.expect_delete_room().times(7).returning(|_| Ok(()));
    assert!(matches!(
        service(repo, video).create(&manager(), spec(input())).await,
        Err(CreateScheduleError::Store(_))
    ));
}

#[tokio::test]
async fn removing_a_schedule_plans_no_occurrence() {
    let mut repo = MockScheduleRepository::new();
    let stored = {
        let spec = ScheduleSpec::parse(
            &input(),
            &UserId::parse("t").unwrap(),
            &SchedulePolicy::default(),
        )
        .unwrap();
        Schedule {
            id: ScheduleId::from_uuid(uuid::Uuid::from_u128(7)),
            tenant_id: manager().tenant_id,
            spec,
            created_by: manager().user_id,
            created_at: NOW,
            updated_at: NOW,
        }
    };
    let found = stored.clone();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(found.clone())));
    repo.expect_apply_generation()
        .withf(|plan| plan.occurrences.is_empty() && plan.new_classes.is_empty())
        .returning(|_| {
            Ok(GenerationOutcome {
                removed: vec![room(1), room(2)],
                ..GenerationOutcome::default()
            })
        });
    repo.expect_delete().times(1).returning(|_, _| Ok(true));
    let mut video = MockVideoProvider::new();
    video.expect_delete_room().times(2).returning(|_| Ok(()));
    let report = service(repo, video)
        .delete(&manager(), stored.id)
        .await
        .unwrap();
    assert_eq!(report.removed, 2);
}

#[tokio::test]
async fn an_unknown_schedule_is_not_found() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_find().returning(|_, _| Ok(None));
    let svc = service(repo, MockVideoProvider::new());
    let id = ScheduleId::from_uuid(uuid::Uuid::from_u128(9));
    assert!(matches!(
        svc.get(&manager(), id).await,
        Err(GetScheduleError::NotFound)
    ));
    assert!(matches!(
        svc.update(&manager(), id, SchedulePatch::default()).await,
        Err(UpdateScheduleError::NotFound)
    ));
    assert!(matches!(
        svc.delete(&manager(), id).await,
        Err(DeleteScheduleError::NotFound)
    ));
}

#[test]
fn a_patch_to_a_non_weekly_frequency_drops_the_weekdays() {
    let patched = apply_patch(
        input(),
        SchedulePatch {
            frequency: Some("daily".into()),
            start_time: Some("15:30".into()),
            ..SchedulePatch::default()
        },
    );
    assert_eq!(patched.weekdays, None);
    assert_eq!(patched.start_time, "15:30");
    assert_eq!(patched.course_id, "web-dev-ft-2030");
}

#[tokio::test]
async fn a_new_schedule_is_stored_pending_and_its_classes_mark_it_generated() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_insert()
        .times(1)
        .withf(|s, due| s.updated_at == NOW && *due == NOW + GENERATION_LEASE)
        .returning(|_, _| Ok(()));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    repo.expect_apply_generation()
        .times(1)
        .withf(|plan| plan.version == Some(NOW))
        .returning(|plan| Ok(outcome_of(plan)));
    repo.expect_upcoming_classes()
        .returning(|_, _, _, _| Ok(vec![]));
    service(repo, video_making_rooms())
        .create(&manager(), spec(input()))
        .await
        .unwrap();
}

fn stored_schedule(n: u128, updated_at: OffsetDateTime) -> Schedule {
    Schedule {
        id: ScheduleId::from_uuid(uuid::Uuid::from_u128(n)),
        tenant_id: manager().tenant_id,
        spec: spec(input()),
        created_by: manager().user_id,
        created_at: updated_at,
        updated_at,
    }
}

#[tokio::test]
async fn the_worker_pass_generates_the_claimed_pending_schedules_of_their_version() {
    let earlier = NOW - time::Duration::minutes(10);
    let mut repo = MockScheduleRepository::new();
    repo.expect_claim_pending_generations()
        .times(1)
        .withf(|now, lease, limit| {
            *now == NOW && *lease == GENERATION_LEASE && *limit == GENERATION_BATCH
        })
        .returning(move |_, _, _| Ok(vec![stored_schedule(7, earlier)]));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    repo.expect_apply_generation()
        .times(1)
        .withf(move |plan| plan.version == Some(earlier) && plan.new_classes.len() == 7)
        .returning(|plan| Ok(outcome_of(plan)));
    let report = service(repo, video_making_rooms())
        .complete_pending()
        .await
        .unwrap();
    assert_eq!(report.created, 7);
}

#[tokio::test]
async fn a_failing_pending_schedule_does_not_hold_back_the_others() {
    let mut repo = MockScheduleRepository::new();
    repo.expect_claim_pending_generations()
        .returning(|_, _, _| Ok(vec![stored_schedule(1, NOW), stored_schedule(2, NOW)]));
    repo.expect_occurrence_dates()
        .returning(|_, _| Ok(HashSet::new()));
    let first = ScheduleId::from_uuid(uuid::Uuid::from_u128(1));
    repo.expect_apply_generation()
        .times(2)
        .returning(move |plan| {
            if plan.schedule_id == first {
                Err(RepoError::Unexpected(anyhow::anyhow!("disk on fire")))
            } else {
                Ok(outcome_of(plan))
            }
        });
    let mut video = video_making_rooms();
    video.expect_delete_room().times(7).returning(|_| Ok(()));
    assert!(matches!(
        service(repo, video).complete_pending().await,
        Err(GenerateClassesError::Store(_))
    ));
}
