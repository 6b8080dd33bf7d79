//! The repository contract, run on SQLite and on PostgreSQL
//! (`LIVECLASS_TEST_POSTGRES_URL`; each test gets a database of its own).

#![allow(clippy::unwrap_used)]

use crate::common;

use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, ClassFilter, ClassRepository, ClassStatus, PageRequest,
    ParticipationRepository, RecordingOutcome, RecordingUrl, TransitionOutcome,
};
use liveclass_domain::ids::{IdGenerator, RandomIds};
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, run_migrations};
use time::Duration;
use time::macros::datetime;

use common::*;

// ---- the contract ----

async fn a_stored_class_reads_back_field_for_field(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class("tenant-a", 150, datetime!(2030-03-02 09:30:15.123456 UTC));
    store.insert(&class).await.unwrap();
    let found = store.find(&class.tenant_id, class.id).await.unwrap();
    assert_eq!(found, Some(class));
}

async fn another_tenants_class_is_invisible(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class("tenant-a", 10, T0);
    store.insert(&class).await.unwrap();
    assert_eq!(
        store.find(&tenant("tenant-b"), class.id).await.unwrap(),
        None
    );
    let page = store
        .list(
            &tenant("tenant-b"),
            &ClassFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    assert!(
        store
            .admit(&AdmitRequest {
                tenant_id: tenant("tenant-b"),
                ..admit_request(&class, "u", T0)
            })
            .await
            .unwrap()
            == AdmitOutcome::NotFound
    );
}

async fn lists_filter_by_status_order_by_schedule_and_page(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let mut ids = Vec::new();
    for hours in [3, 1, 2, 5, 4] {
        let class = new_class("tenant-a", 10, T0 + Duration::hours(hours));
        store.insert(&class).await.unwrap();
        ids.push((hours, class.id));
    }
    store
        .insert(&new_class("tenant-other", 10, T0))
        .await
        .unwrap();
    let (_, first_started) = ids[1]; // scheduled at +1h
    store
        .mark_started(&tenant("tenant-a"), first_started, T0)
        .await
        .unwrap();

    let page = store
        .list(
            &tenant("tenant-a"),
            &ClassFilter::default(),
            PageRequest::new(Some(2), Some(1)).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 5);
    let hours: Vec<i64> = page
        .classes
        .iter()
        .map(|(c, _)| (c.scheduled_at - T0).whole_hours())
        .collect();
    assert_eq!(hours, vec![2, 3]);

    let live = store
        .list(
            &tenant("tenant-a"),
            &ClassFilter {
                status: Some(ClassStatus::Live),
                ..ClassFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(live.total, 1);
    assert_eq!(live.classes[0].0.id, first_started);
}

async fn start_happens_once(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class("tenant-a", 10, T0);
    store.insert(&class).await.unwrap();
    let at = T0 + Duration::minutes(3);
    match store
        .mark_started(&class.tenant_id, class.id, at)
        .await
        .unwrap()
    {
        TransitionOutcome::Changed(c) => {
            assert_eq!(c.status, ClassStatus::Live);
            assert_eq!(c.started_at, Some(at));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .mark_started(&class.tenant_id, class.id, at)
            .await
            .unwrap(),
        TransitionOutcome::StatusWas(ClassStatus::Live)
    );
    assert_eq!(
        store
            .mark_started(&class.tenant_id, RandomIds.class_id(), at)
            .await
            .unwrap(),
        TransitionOutcome::NotFound
    );
}

async fn ending_closes_every_open_participation_at_the_same_instant(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    for who in ["a", "b", "c"] {
        store
            .admit(&admit_request(&class, who, T0 + Duration::minutes(1)))
            .await
            .unwrap();
    }
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("c"),
            T0 + Duration::minutes(2),
        )
        .await
        .unwrap();
    let end = T0 + Duration::minutes(30);
    let ended = match store
        .mark_ended(&class.tenant_id, class.id, end)
        .await
        .unwrap()
    {
        TransitionOutcome::Changed(c) => *c,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (
            ended.status,
            ended.ended_at,
            counts_of(&store, &class).await.active
        ),
        (ClassStatus::Ended, Some(end), 0)
    );
    let all = store
        .list_for_class(&class.tenant_id, class.id, false)
        .await
        .unwrap();
    let mut left: Vec<_> = all
        .iter()
        .map(|p| (p.user_id.as_str().to_owned(), p.left_at))
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            ("a".to_owned(), Some(end)),
            ("b".to_owned(), Some(end)),
            ("c".to_owned(), Some(T0 + Duration::minutes(2))),
        ]
    );
    assert_eq!(
        store
            .admit(&admit_request(&class, "late", end))
            .await
            .unwrap(),
        AdmitOutcome::NotLive(ClassStatus::Ended)
    );
    assert_eq!(
        store
            .mark_ended(&class.tenant_id, class.id, end)
            .await
            .unwrap(),
        TransitionOutcome::StatusWas(ClassStatus::Ended)
    );
}

async fn recordings_are_set_once_on_ended_classes(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    let url = RecordingUrl::parse("s3://bucket/r.mp4").unwrap();
    assert_eq!(
        store
            .set_recording(&class.tenant_id, class.id, &url, T0)
            .await
            .unwrap(),
        RecordingOutcome::NotEnded(ClassStatus::Live)
    );
    store
        .mark_ended(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    let RecordingOutcome::Set(set) = store
        .set_recording(&class.tenant_id, class.id, &url, T0)
        .await
        .unwrap()
    else {
        panic!("not set")
    };
    assert_eq!(set.recording_url, Some(url.clone()));
    let other = RecordingUrl::parse("s3://bucket/other.mp4").unwrap();
    assert_eq!(
        store
            .set_recording(&class.tenant_id, class.id, &other, T0)
            .await
            .unwrap(),
        RecordingOutcome::AlreadySet
    );
    assert_eq!(
        store
            .set_recording(&tenant("tenant-b"), class.id, &other, T0)
            .await
            .unwrap(),
        RecordingOutcome::NotFound
    );
}

async fn a_roster_is_the_class_with_its_participations(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    store
        .admit(&admit_request(&class, "b", T0 + Duration::seconds(1)))
        .await
        .unwrap();
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("a"),
            T0 + Duration::seconds(2),
        )
        .await
        .unwrap();
    let (found, all) = store
        .roster(&class.tenant_id, class.id, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, class.id);
    let users: Vec<&str> = all.iter().map(|p| p.user_id.as_str()).collect();
    assert_eq!(users, ["a", "b"]);
    let (_, active) = store
        .roster(&class.tenant_id, class.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].user_id.as_str(), "b");
    assert!(
        store
            .roster(&tenant("tenant-b"), class.id, false)
            .await
            .unwrap()
            .is_none()
    );
}

async fn migrations_are_idempotent(db: TestDatabase) {
    assert_eq!(run_migrations(&db.pool).unwrap(), Vec::<String>::new());
    DieselStore::new(db.pool.clone()).ping().await.unwrap();
}

on_both_backends!(
    a_stored_class_reads_back_field_for_field,
    another_tenants_class_is_invisible,
    lists_filter_by_status_order_by_schedule_and_page,
    start_happens_once,
    ending_closes_every_open_participation_at_the_same_instant,
    recordings_are_set_once_on_ended_classes,
    a_roster_is_the_class_with_its_participations,
    migrations_are_idempotent,
);

#[test]
fn both_backends_have_the_same_migrations() {
    let list = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(list("postgres"), list("sqlite"));
    assert!(!list("postgres").is_empty());
}
