//! The repository contract added for video providers (issue 3): cancel,
//! details updates, and the clean-up queue, on SQLite and on PostgreSQL
//! (`LIVECLASS_TEST_POSTGRES_URL`; each test gets a database of its own).

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Arc;

use liveclass_domain::class::{
    AdmitRequest, Capacity, ClassRepository, ClassStatus, DetailsUpdate, LiveClass,
    ParticipantRole, ParticipationRepository, Title, TransitionOutcome, UpdateOutcome,
};
use liveclass_domain::cleanup::{CleanupAction, CleanupQueue, PendingCleanup};
use liveclass_domain::ids::{ClassId, IdGenerator, ParticipationId, RandomIds, TenantId, UserId};
use liveclass_domain::video::Room;
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const T0: OffsetDateTime = datetime!(2030-03-01 14:00 UTC);

fn room(name: &str) -> Room {
    Room {
        provider: "daily".into(),
        external_id: name.into(),
        join_url: format!("https://acme.daily.co/{name}"),
        host_url: None,
        password: Some("pw".into()),
    }
}

fn new_class(capacity: u32) -> LiveClass {
    let room_id = RandomIds.room_id();
    LiveClass {
        id: RandomIds.class_id(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        created_by: UserId::parse("teacher").unwrap(),
        title: Title::parse("Rust ownership").unwrap(),
        description: None,
        room: room(room_id.as_str()),
        room_id,
        status: ClassStatus::Scheduled,
        scheduled_at: T0,
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(capacity),
        recording_url: None,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: RandomIds.join_hash(),
        ical_sequence: 0,
        admission: liveclass_domain::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        created_at: T0,
        updated_at: T0,
    }
}

fn update(capacity: u32) -> DetailsUpdate {
    DetailsUpdate {
        title: Title::parse("Rust borrowing").unwrap(),
        description: Some(liveclass_domain::class::Description::parse("New text").unwrap()),
        scheduled_at: T0 + Duration::days(1),
        max_participants: Capacity::from_stored(capacity),
        admission: liveclass_domain::class::AdmissionPolicy::Open,
        room: Room {
            host_url: Some("https://host.example/new".into()),
            ..room("renamed")
        },
    }
}

async fn cancelling_happens_once_and_only_before_the_start(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class(10);
    store.insert(&class).await.unwrap();
    let at = T0 + Duration::minutes(1);
    let TransitionOutcome::Changed(c) = store
        .mark_cancelled(&class.tenant_id, class.id, at)
        .await
        .unwrap()
    else {
        panic!("not cancelled")
    };
    assert_eq!((c.status, c.updated_at), (ClassStatus::Cancelled, at));
    assert_eq!(
        store
            .mark_cancelled(&class.tenant_id, class.id, at)
            .await
            .unwrap(),
        TransitionOutcome::StatusWas(ClassStatus::Cancelled)
    );
    let live = new_class(10);
    store.insert(&live).await.unwrap();
    store
        .mark_started(&live.tenant_id, live.id, T0)
        .await
        .unwrap();
    assert_eq!(
        store
            .mark_cancelled(&live.tenant_id, live.id, at)
            .await
            .unwrap(),
        TransitionOutcome::StatusWas(ClassStatus::Live)
    );
}

async fn details_and_room_are_updated_together(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class(10);
    store.insert(&class).await.unwrap();
    let at = T0 + Duration::minutes(2);
    let outcome = store
        .update_details(&class.tenant_id, class.id, &update(20), at)
        .await
        .unwrap();
    let UpdateOutcome::Updated(c) = outcome else {
        panic!("{outcome:?}")
    };
    let expected = update(20);
    assert_eq!(c.title, expected.title);
    assert_eq!(c.description, expected.description);
    assert_eq!(c.scheduled_at, expected.scheduled_at);
    assert_eq!(c.max_participants.get(), 20);
    assert_eq!(c.room, expected.room);
    assert_eq!(c.updated_at, at);
    assert_eq!(
        store.find(&class.tenant_id, class.id).await.unwrap(),
        Some(*c)
    );
    assert_eq!(
        store
            .update_details(&class.tenant_id, RandomIds.class_id(), &update(20), at)
            .await
            .unwrap(),
        UpdateOutcome::NotFound
    );
}

async fn capacity_is_never_updated_below_the_active_participants(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class(5);
    store.insert(&class).await.unwrap();
    store
        .mark_started(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    for who in ["a", "b", "c"] {
        store
            .admit(&AdmitRequest {
                tenant_id: class.tenant_id.clone(),
                class_id: class.id,
                user_id: UserId::parse(who).unwrap(),
                user_name: None,
                role: ParticipantRole::Participant,
                participation_id: ParticipationId::from_uuid(RandomIds.new_uuid()),
                at: T0,
                wait: false,
            })
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .update_details(&class.tenant_id, class.id, &update(3), T0)
            .await
            .unwrap(),
        // Three students, and the seat held for the teacher.
        UpdateOutcome::TooManyActive { active: 4 }
    );
    assert!(matches!(
        store
            .update_details(&class.tenant_id, class.id, &update(4), T0)
            .await
            .unwrap(),
        UpdateOutcome::Updated(_)
    ));
    store
        .mark_ended(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    assert_eq!(
        store
            .update_details(&class.tenant_id, class.id, &update(30), T0)
            .await
            .unwrap(),
        UpdateOutcome::StatusWas(ClassStatus::Ended)
    );
}

fn pending(n: u128, action: CleanupAction) -> PendingCleanup {
    PendingCleanup {
        id: Uuid::from_u128(n),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        class_id: ClassId::from_uuid(Uuid::from_u128(1000 + n)),
        action,
        room: room(&format!("room-{n}")),
        recording: None,
        attempts: 1,
        last_error: Some("Daily answered 503".into()),
    }
}

async fn a_due_clean_up_is_claimed_once_until_its_lease_runs_out(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    store
        .enqueue(&pending(1, CleanupAction::DeleteRoom), T0)
        .await
        .unwrap();
    store
        .enqueue(
            &pending(2, CleanupAction::EndMeeting),
            T0 + Duration::hours(1),
        )
        .await
        .unwrap();
    let lease = Duration::minutes(2);
    let claimed = store.claim_due(T0, lease, 10).await.unwrap();
    assert_eq!(
        claimed,
        vec![PendingCleanup {
            attempts: 2,
            ..pending(1, CleanupAction::DeleteRoom)
        }]
    );
    // Claimed: not due again while the lease runs, even for another caller.
    assert!(
        store
            .claim_due(T0 + Duration::minutes(1), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The claimer died: after the lease it is due again.
    let again = store.claim_due(T0 + lease, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 3);
}

async fn a_failed_clean_up_is_rescheduled_and_a_done_one_removed(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    store
        .enqueue(&pending(1, CleanupAction::DeleteRoom), T0)
        .await
        .unwrap();
    let c = store.claim_due(T0, Duration::minutes(2), 10).await.unwrap();
    store
        .reschedule(c[0].id, T0 + Duration::minutes(10), "still down")
        .await
        .unwrap();
    assert!(
        store
            .claim_due(T0 + Duration::minutes(9), Duration::minutes(2), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let c = store
        .claim_due(T0 + Duration::minutes(10), Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(c[0].last_error.as_deref(), Some("still down"));
    store.complete(c[0].id).await.unwrap();
    assert!(
        store
            .claim_due(T0 + Duration::days(1), Duration::minutes(2), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn concurrent_claimers_never_get_the_same_clean_up(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    for n in 0..30 {
        store
            .enqueue(&pending(n, CleanupAction::DeleteRoom), T0)
            .await
            .unwrap();
    }
    let claimers: Vec<_> = (0..6)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(
                async move { store.claim_due(T0, Duration::minutes(2), 30).await.unwrap() },
            )
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for claimer in claimers {
        for c in claimer.await.unwrap() {
            total += 1;
            assert!(seen.insert(c.id), "{} was claimed twice", c.id);
        }
    }
    assert_eq!(total, 30);
}

on_both_backends!(
    cancelling_happens_once_and_only_before_the_start,
    details_and_room_are_updated_together,
    capacity_is_never_updated_below_the_active_participants,
    a_due_clean_up_is_claimed_once_until_its_lease_runs_out,
    a_failed_clean_up_is_rescheduled_and_a_done_one_removed,
    concurrent_claimers_never_get_the_same_clean_up,
);
