//! The schedule repository contract, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use liveclass_domain::class::{
    AdmitRequest, Capacity, ClassFilter, ClassRepository, ClassStatus, LiveClass, PageRequest,
    ParticipantRole, ParticipationRepository, SortOrder, Title, TransitionOutcome,
};
use liveclass_domain::ids::{IdGenerator, ParticipationId, RandomIds, TenantId, UserId};
use liveclass_domain::schedule::{
    ClassTemplate, CourseId, GenerationPlan, Occurrence, OccurrenceRef, Schedule, ScheduleInput,
    SchedulePolicy, ScheduleRepository, ScheduleSpec,
};
use liveclass_domain::video::Room;
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2030-03-01 12:00 UTC);

fn tenant() -> TenantId {
    TenantId::parse("tenant-a").unwrap()
}

fn schedule(course: &str) -> Schedule {
    let input = ScheduleInput {
        course_id: course.into(),
        title: "Web Dev live class".into(),
        teacher_id: None,
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
    };
    let teacher = UserId::parse("teacher-1").unwrap();
    Schedule {
        id: RandomIds.schedule_id(),
        tenant_id: tenant(),
        spec: ScheduleSpec::parse(&input, &teacher, &SchedulePolicy::default()).unwrap(),
        created_by: UserId::parse("manager-1").unwrap(),
        created_at: NOW,
        updated_at: NOW,
    }
}

fn plan(s: &Schedule, occurrences: Vec<Occurrence>, now: OffsetDateTime) -> GenerationPlan {
    let new_classes = occurrences.iter().map(|o| class_for(s, o)).collect();
    GenerationPlan {
        tenant_id: s.tenant_id.clone(),
        schedule_id: s.id,
        now,
        template: ClassTemplate {
            title: s.spec.title.clone(),
            teacher_id: s.spec.teacher_id.clone(),
            max_participants: s.spec.max_participants,
            course_id: s.spec.course_id.clone(),
            admission: s.spec.admission,
        },
        occurrences,
        new_classes,
        version: None,
    }
}

fn class_for(s: &Schedule, o: &Occurrence) -> LiveClass {
    let room_id = RandomIds.room_id();
    LiveClass {
        id: RandomIds.class_id(),
        tenant_id: s.tenant_id.clone(),
        created_by: s.spec.teacher_id.clone(),
        title: Title::parse("Web Dev live class").unwrap(),
        description: None,
        room: Room {
            provider: "jitsi".into(),
            external_id: room_id.as_str().into(),
            join_url: format!("https://meet.jit.si/{room_id}"),
            host_url: None,
            password: None,
        },
        room_id,
        status: ClassStatus::Scheduled,
        scheduled_at: o.starts_at,
        scheduled_end: Some(o.ends_at),
        course_id: Some(s.spec.course_id.clone()),
        occurrence: Some(OccurrenceRef {
            schedule_id: s.id,
            date: o.date,
        }),
        join_hash: RandomIds.join_hash(),
        ical_sequence: 0,
        admission: liveclass_domain::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(120),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

async fn schedules_read_back_and_stay_in_their_tenant(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let a = schedule("web-dev");
    let b = schedule("data-science");
    ScheduleRepository::insert(&store, &a, NOW).await.unwrap();
    ScheduleRepository::insert(&store, &b, NOW).await.unwrap();
    assert_eq!(
        ScheduleRepository::find(&store, &tenant(), a.id)
            .await
            .unwrap(),
        Some(a.clone())
    );
    let other = TenantId::parse("tenant-b").unwrap();
    assert_eq!(
        ScheduleRepository::find(&store, &other, a.id)
            .await
            .unwrap(),
        None
    );
    assert!(
        ScheduleRepository::list(&store, &other, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ScheduleRepository::list(&store, &tenant(), None)
            .await
            .unwrap()
            .len(),
        2
    );
    let web =
        ScheduleRepository::list(&store, &tenant(), Some(CourseId::parse("web-dev").unwrap()))
            .await
            .unwrap();
    assert_eq!(web, vec![a.clone()]);
    assert_eq!(store.list_all().await.unwrap().len(), 2);

    let mut changed = a.clone();
    changed.spec.title = Title::parse("Renamed").unwrap();
    assert!(store.update(&changed, NOW).await.unwrap());
    assert_eq!(
        ScheduleRepository::find(&store, &tenant(), a.id)
            .await
            .unwrap(),
        Some(changed)
    );
    assert!(
        !ScheduleRepository::delete(&store, &other, a.id)
            .await
            .unwrap()
    );
    assert!(
        ScheduleRepository::delete(&store, &tenant(), a.id)
            .await
            .unwrap()
    );
    assert_eq!(
        ScheduleRepository::find(&store, &tenant(), a.id)
            .await
            .unwrap(),
        None
    );
}

async fn generating_twice_creates_nothing_new(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let s = schedule("web-dev");
    ScheduleRepository::insert(&store, &s, NOW).await.unwrap();
    let occurrences = s.spec.occurrences(500).unwrap();
    assert_eq!(occurrences.len(), 8);
    let first = store
        .apply_generation(&plan(&s, occurrences.clone(), NOW))
        .await
        .unwrap();
    assert_eq!(
        (first.created, first.updated, first.removed.len()),
        (8, 0, 0)
    );
    // A second plan with fresh ids and rooms for the same occurrences.
    let second = store
        .apply_generation(&plan(&s, occurrences, NOW))
        .await
        .unwrap();
    assert_eq!((second.created, second.updated), (0, 0));
    assert_eq!(second.unused.len(), 8);
    assert_eq!(
        store.occurrence_dates(&tenant(), s.id).await.unwrap().len(),
        8
    );
    let upcoming: Vec<LiveClass> = store
        .upcoming_classes(&tenant(), s.id, NOW, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|(class, _)| class)
        .collect();
    assert_eq!(upcoming.len(), 8);
    assert!(
        upcoming
            .windows(2)
            .all(|w| w[0].scheduled_at < w[1].scheduled_at)
    );
}

async fn the_database_refuses_a_second_class_for_one_occurrence(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let s = schedule("web-dev");
    let o = s.spec.occurrences(500).unwrap()[0];
    store.insert_class(&class_for(&s, &o)).await;
    assert!(
        ClassRepository::insert(&store, &class_for(&s, &o))
            .await
            .is_err()
    );
}

async fn concurrent_generations_create_each_class_once(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let s = schedule("web-dev");
    ScheduleRepository::insert(&*store, &s, NOW).await.unwrap();
    let occurrences = s.spec.occurrences(500).unwrap();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let store = store.clone();
            let p = plan(&s, occurrences.clone(), NOW);
            tokio::spawn(async move { store.apply_generation(&p).await.unwrap() })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        created += t.await.unwrap().created;
    }
    assert_eq!(created, 8);
    assert_eq!(
        store.occurrence_dates(&tenant(), s.id).await.unwrap().len(),
        8
    );
}

async fn regeneration_changes_only_future_untouched_classes(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let s = schedule("web-dev");
    ScheduleRepository::insert(&store, &s, NOW).await.unwrap();
    let occurrences = s.spec.occurrences(500).unwrap();
    store
        .apply_generation(&plan(&s, occurrences.clone(), NOW))
        .await
        .unwrap();
    let classes: Vec<LiveClass> = store
        .upcoming_classes(&tenant(), s.id, NOW, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|(class, _)| class)
        .collect();
    // [0] goes live, [1] has a participant, [2] is in the past by `later`.
    let live = &classes[0];
    assert!(matches!(
        store.mark_started(&tenant(), live.id, NOW).await.unwrap(),
        TransitionOutcome::Changed(_)
    ));
    let joined = &classes[1];
    store.mark_started(&tenant(), joined.id, NOW).await.unwrap();
    store
        .admit(&AdmitRequest {
            tenant_id: tenant(),
            class_id: joined.id,
            user_id: UserId::parse("student").unwrap(),
            user_name: None,
            role: ParticipantRole::Participant,
            participation_id: ParticipationId::from_uuid(RandomIds.new_uuid()),
            at: NOW,
            wait: false,
        })
        .await
        .unwrap();
    store.mark_ended(&tenant(), joined.id, NOW).await.unwrap();
    let later = classes[2].scheduled_at + Duration::minutes(1);

    // New plan: one hour later, and without the last two occurrences.
    let mut moved = s.clone();
    moved.spec.start_time = liveclass_domain::schedule::LocalStartTime::parse("15:00").unwrap();
    let kept: Vec<Occurrence> = moved.spec.occurrences(500).unwrap()[..6]
        .iter()
        .copied()
        .filter(|o| o.starts_at > later)
        .collect();
    let mut p = plan(&moved, kept, later);
    p.new_classes.clear();
    let outcome = store.apply_generation(&p).await.unwrap();
    assert_eq!(outcome.created, 0);
    assert_eq!(outcome.updated, 3, "occurrences 3..=5 move");
    assert_eq!(outcome.removed.len(), 2, "occurrences 6 and 7 go");

    let find = |c: &LiveClass| {
        let store = store.clone();
        let id = c.id;
        async move {
            ClassRepository::find(&store, &tenant(), id)
                .await
                .unwrap()
                .unwrap()
        }
    };
    assert_eq!(find(live).await.status, ClassStatus::Live);
    assert_eq!(find(live).await.scheduled_at, live.scheduled_at);
    assert_eq!(find(joined).await.status, ClassStatus::Ended);
    assert_eq!(
        find(&classes[2]).await.scheduled_at,
        classes[2].scheduled_at
    );
    assert_eq!(find(&classes[2]).await.ical_sequence, 0);
    let moved_class = find(&classes[3]).await;
    assert_eq!(
        moved_class.scheduled_at,
        classes[3].scheduled_at + Duration::hours(1)
    );
    assert_eq!(moved_class.ical_sequence, 1);
    assert_eq!(moved_class.id, classes[3].id);
    assert_eq!(moved_class.join_hash, classes[3].join_hash);
    assert!(
        ClassRepository::find(&store, &tenant(), classes[7].id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn lists_filter_by_course_schedule_teacher_window_and_sort(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let a = schedule("web-dev");
    let mut b = schedule("data-science");
    b.spec.teacher_id = UserId::parse("teacher-2").unwrap();
    for s in [&a, &b] {
        ScheduleRepository::insert(&store, s, NOW).await.unwrap();
        store
            .apply_generation(&plan(s, s.spec.occurrences(500).unwrap(), NOW))
            .await
            .unwrap();
    }
    let list = |filter: ClassFilter| {
        let store = store.clone();
        async move {
            ClassRepository::list(&store, &tenant(), &filter, PageRequest::default())
                .await
                .unwrap()
        }
    };
    assert_eq!(list(ClassFilter::default()).await.total, 16);
    let web = list(ClassFilter {
        course_id: Some(CourseId::parse("web-dev").unwrap()),
        ..ClassFilter::default()
    })
    .await;
    assert_eq!(web.total, 8);
    assert!(
        web.classes
            .iter()
            .all(|(c, _)| c.occurrence.unwrap().schedule_id == a.id)
    );
    let by_schedule = list(ClassFilter {
        schedule_id: Some(b.id),
        ..ClassFilter::default()
    })
    .await;
    assert_eq!(by_schedule.total, 8);
    let by_teacher = list(ClassFilter {
        created_by: Some(UserId::parse("teacher-2").unwrap()),
        ..ClassFilter::default()
    })
    .await;
    assert_eq!(by_teacher.total, 8);
    assert!(
        by_teacher
            .classes
            .iter()
            .all(|(c, _)| c.created_by.as_str() == "teacher-2")
    );

    // 2030-03-11..=2030-03-13 18:00Z: the Monday and Wednesday of both.
    let window = list(ClassFilter {
        from: Some(datetime!(2030-03-11 18:00 UTC)),
        to: Some(datetime!(2030-03-13 18:00 UTC)),
        ..ClassFilter::default()
    })
    .await;
    assert_eq!(window.total, 4);

    let first = window.classes[0].0.id;
    store.mark_started(&tenant(), first, NOW).await.unwrap();
    store.mark_ended(&tenant(), first, NOW).await.unwrap();
    let upcoming = list(ClassFilter {
        upcoming: true,
        ..ClassFilter::default()
    })
    .await;
    assert_eq!(upcoming.total, 15);
    assert!(upcoming.classes.iter().all(|(c, _)| c.id != first));

    let descending = list(ClassFilter {
        sort: SortOrder::Descending,
        course_id: Some(CourseId::parse("web-dev").unwrap()),
        ..ClassFilter::default()
    })
    .await;
    assert!(
        descending
            .classes
            .windows(2)
            .all(|w| w[0].0.scheduled_at > w[1].0.scheduled_at)
    );
}

async fn classes_are_found_by_join_hash_in_their_tenant_only(db: TestDatabase) {
    use liveclass_domain::join_link::JoinLinkRepository;
    let store = DieselStore::new(db.pool.clone());
    let s = schedule("web-dev");
    let class = class_for(&s, &s.spec.occurrences(500).unwrap()[0]);
    store.insert_class(&class).await;
    assert_eq!(
        store
            .find_by_join_hash(&tenant(), &class.join_hash)
            .await
            .unwrap()
            .map(|c| c.id),
        Some(class.id)
    );
    let other = TenantId::parse("tenant-b").unwrap();
    assert_eq!(
        store
            .find_by_join_hash(&other, &class.join_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_by_join_hash(&tenant(), &RandomIds.join_hash())
            .await
            .unwrap(),
        None
    );
}

async fn concurrent_auto_end_workers_end_each_overdue_class_once(db: TestDatabase) {
    use liveclass_domain::auto_end::{AutoEndPolicy, AutoEndRepository, AutoEndService};
    use liveclass_domain::clock::FixedClock;

    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let s = schedule("web-dev");
    let occurrences = s.spec.occurrences(500).unwrap();
    let mut live = Vec::new();
    for o in &occurrences[..3] {
        let c = class_for(&s, o);
        store.insert_class(&c).await;
        store.mark_started(&tenant(), c.id, NOW).await.unwrap();
        live.push(c);
    }
    // Another tenant's overdue class, and a live class with no planned end.
    let mut foreign = class_for(&schedule("x"), &occurrences[0]);
    foreign.tenant_id = TenantId::parse("tenant-b").unwrap();
    store.insert_class(&foreign).await;
    store
        .mark_started(&foreign.tenant_id, foreign.id, NOW)
        .await
        .unwrap();
    let mut open_ended = class_for(&schedule("y"), &occurrences[0]);
    open_ended.scheduled_end = None;
    open_ended.occurrence = None;
    store.insert_class(&open_ended).await;
    store
        .mark_started(&tenant(), open_ended.id, NOW)
        .await
        .unwrap();
    // A scheduled class past its end is not live: left alone.
    store.insert_class(&class_for(&s, &occurrences[3])).await;
    store
        .admit(&AdmitRequest {
            tenant_id: tenant(),
            class_id: live[0].id,
            user_id: UserId::parse("student").unwrap(),
            user_name: None,
            role: ParticipantRole::Participant,
            participation_id: ParticipationId::from_uuid(RandomIds.new_uuid()),
            at: NOW,
            wait: false,
        })
        .await
        .unwrap();

    let later = datetime!(2030-04-01 00:00 UTC);
    let lease = time::Duration::minutes(5);
    // Not yet overdue: the grace period has not passed for any of them.
    assert!(
        store
            .claim_overdue_classes(occurrences[0].ends_at, later, lease, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // A claim an hour ago, long expired: the four are overdue.
    let hour_ago = later - time::Duration::hours(1);
    let claimed = store
        .claim_overdue_classes(later, hour_ago, lease, 100)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 4);
    // While a claim holds, nobody else gets those classes: no double work.
    assert!(
        store
            .claim_overdue_classes(later, hour_ago + time::Duration::minutes(1), lease, 100)
            .await
            .unwrap()
            .is_empty()
    );

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let service = AutoEndService::new(
                store.clone(),
                store.clone(),
                Arc::new(FixedClock::at(later)),
                AutoEndPolicy::default(),
            );
            tokio::spawn(async move { service.run_once().await.unwrap() })
        })
        .collect();
    let mut ended = 0;
    for w in workers {
        ended += w.await.unwrap();
    }
    assert_eq!(
        ended, 4,
        "each overdue class is ended by exactly one worker"
    );
    for c in &live {
        let now = ClassRepository::find(&*store, &tenant(), c.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (now.status, now.ended_at),
            (ClassStatus::Ended, Some(later))
        );
    }
    let stays = store
        .list_for_class(&tenant(), live[0].id, false)
        .await
        .unwrap();
    assert_eq!(stays[0].left_at, Some(later));
    let still = ClassRepository::find(&*store, &tenant(), open_ended.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, ClassStatus::Live);
}

async fn calendar_tokens_resolve_to_their_owner_until_revoked(db: TestDatabase) {
    use liveclass_domain::calendar::{CalendarToken, CalendarTokenRepository, TokenOwner};
    let store = DieselStore::new(db.pool.clone());
    let owner = TokenOwner {
        tenant_id: tenant(),
        user_id: UserId::parse("student-1").unwrap(),
    };
    let other = TokenOwner {
        user_id: UserId::parse("student-2").unwrap(),
        ..owner.clone()
    };
    let (a, b, c) = (
        CalendarToken::generate(&RandomIds),
        CalendarToken::generate(&RandomIds),
        CalendarToken::generate(&RandomIds),
    );
    CalendarTokenRepository::insert(&store, &a.hash(), &owner, NOW)
        .await
        .unwrap();
    CalendarTokenRepository::insert(&store, &b.hash(), &owner, NOW)
        .await
        .unwrap();
    CalendarTokenRepository::insert(&store, &c.hash(), &other, NOW)
        .await
        .unwrap();
    assert_eq!(store.owner(&a.hash()).await.unwrap(), Some(owner.clone()));
    assert_eq!(
        store
            .owner(&CalendarToken::generate(&RandomIds).hash())
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.revoke_all(&owner, NOW).await.unwrap(), 2);
    assert_eq!(store.owner(&a.hash()).await.unwrap(), None);
    assert_eq!(store.owner(&b.hash()).await.unwrap(), None);
    assert_eq!(store.owner(&c.hash()).await.unwrap(), Some(other));
    assert_eq!(store.revoke_all(&owner, NOW).await.unwrap(), 0);
}

const LEASE: Duration = Duration::minutes(2);

async fn claim(store: &DieselStore, at: OffsetDateTime) -> Vec<Schedule> {
    store
        .claim_pending_generations(at, LEASE, 10)
        .await
        .unwrap()
}

/// A crash after the schedule was stored and before its classes were
/// written leaves it pending: the worker claims it once its due instant has
/// passed, one claimer at a time, and generating it (even twice) completes
/// it with each class once.
async fn an_interrupted_creation_is_completed_once_by_the_worker(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let s = schedule("web-dev");
    ScheduleRepository::insert(&*store, &s, NOW + LEASE)
        .await
        .unwrap();
    // The request that stored it still owns it.
    assert!(claim(&store, NOW).await.is_empty());

    // Several workers after the due instant: exactly one claims it.
    let later = NOW + Duration::minutes(3);
    let claims: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { claim(&store, later).await })
        })
        .collect();
    let mut claimed = Vec::new();
    for c in claims {
        claimed.extend(c.await.unwrap());
    }
    assert_eq!(claimed, vec![s.clone()]);
    // Leased: nobody else until the lease has passed.
    assert!(claim(&store, later + Duration::minutes(1)).await.is_empty());

    let occurrences = s.spec.occurrences(500).unwrap();
    let mut p = plan(&s, occurrences.clone(), later);
    p.version = Some(s.updated_at);
    let done = store.apply_generation(&p).await.unwrap();
    assert_eq!(done.created, 8);
    // Generated: never claimed again.
    assert!(claim(&store, later + Duration::hours(1)).await.is_empty());

    // A second completion (a worker whose lease ran out meanwhile) adds nothing.
    let mut again = plan(&s, occurrences, later);
    again.version = Some(s.updated_at);
    let twice = store.apply_generation(&again).await.unwrap();
    assert_eq!((twice.created, twice.unused.len()), (0, 8));
    assert_eq!(
        store.occurrence_dates(&tenant(), s.id).await.unwrap().len(),
        8
    );
}

/// The half state written with SQL, as a crashed request leaves it.
async fn a_schedule_left_half_written_in_sql_is_claimed(db: TestDatabase) {
    use diesel::connection::SimpleConnection;
    let store = DieselStore::new(db.pool.clone());
    let s = schedule("web-dev");
    ScheduleRepository::insert(&store, &s, NOW).await.unwrap();
    db.pool
        .get()
        .unwrap()
        .batch_execute(&format!(
            "UPDATE schedules SET generation_due_at = '2030-01-01 00:00:00' WHERE id = '{}'",
            s.id
        ))
        .unwrap();
    assert_eq!(claim(&store, NOW).await, vec![s]);
}

/// A plan made from an older definition does not mark a newer one
/// generated; a plan for a schedule deleted meanwhile writes nothing.
async fn only_the_planned_version_is_marked_generated(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let mut s = schedule("web-dev");
    // Below the microsecond PostgreSQL keeps.
    s.updated_at = NOW + Duration::nanoseconds(123_456_789);
    ScheduleRepository::insert(&store, &s, NOW).await.unwrap();
    let old = s.clone();
    s.updated_at = NOW + Duration::seconds(5);
    s.spec.title = Title::parse("Renamed").unwrap();
    assert!(store.update(&s, NOW).await.unwrap());
    let mut p = plan(&old, old.spec.occurrences(500).unwrap(), NOW);
    p.version = Some(old.updated_at);
    store.apply_generation(&p).await.unwrap();
    assert_eq!(claim(&store, NOW).await, vec![s.clone()]);

    let mut p = plan(&s, Vec::new(), NOW);
    p.version = Some(s.updated_at);
    store.apply_generation(&p).await.unwrap();
    assert!(claim(&store, NOW + Duration::hours(1)).await.is_empty());

    let gone = schedule("data-science");
    ScheduleRepository::insert(&store, &gone, NOW)
        .await
        .unwrap();
    assert!(
        ScheduleRepository::delete(&store, &tenant(), gone.id)
            .await
            .unwrap()
    );
    let mut p = plan(&gone, gone.spec.occurrences(500).unwrap(), NOW);
    p.version = Some(gone.updated_at);
    let outcome = store.apply_generation(&p).await.unwrap();
    assert_eq!((outcome.created, outcome.unused.len()), (0, 8));
    assert!(
        store
            .occurrence_dates(&tenant(), gone.id)
            .await
            .unwrap()
            .is_empty()
    );
}

trait InsertClass {
    async fn insert_class(&self, class: &LiveClass);
}

impl InsertClass for DieselStore {
    async fn insert_class(&self, class: &LiveClass) {
        ClassRepository::insert(self, class).await.unwrap();
    }
}

on_both_backends!(
    schedules_read_back_and_stay_in_their_tenant,
    generating_twice_creates_nothing_new,
    the_database_refuses_a_second_class_for_one_occurrence,
    concurrent_generations_create_each_class_once,
    regeneration_changes_only_future_untouched_classes,
    lists_filter_by_course_schedule_teacher_window_and_sort,
    classes_are_found_by_join_hash_in_their_tenant_only,
    concurrent_auto_end_workers_end_each_overdue_class_once,
    calendar_tokens_resolve_to_their_owner_until_revoked,
    an_interrupted_creation_is_completed_once_by_the_worker,
    a_schedule_left_half_written_in_sql_is_claimed,
    only_the_planned_version_is_marked_generated,
);
