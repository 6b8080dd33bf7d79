//! Issue 12 on SQLite and on PostgreSQL: the `approval` policy and its
//! requests, removal as a ban, and the waitlist whose first user takes a
//! freed seat in the transaction that frees it (a leave, a removal, a
//! withdrawn approval, a capacity increase); plus concurrent runs that check
//! the waitlist's invariants.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;

use liveclass_domain::admission::{
    AdmissionRepository, DecideOutcome, Decision, JoinRequest, RemoveOutcome, RequestId,
    RequestOutcome, RequestStatus, WaitStatus,
};
use liveclass_domain::class::{
    AdmissionPolicy, AdmitOutcome, AdmitRequest, Capacity, ClassRepository, DetailsUpdate,
    LiveClass, ParticipationRepository, TransitionOutcome, UpdateOutcome,
};
use liveclass_domain::events::{ClassEventRepository, EventType};
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::{Duration, OffsetDateTime};

use common::*;

fn at(seconds: i64) -> OffsetDateTime {
    T0 + Duration::seconds(seconds)
}

fn waiting(class: &LiveClass, who: &str, seconds: i64) -> AdmitRequest {
    AdmitRequest {
        wait: true,
        ..admit_request(class, who, at(seconds))
    }
}

async fn started(store: &DieselStore, class: LiveClass) -> LiveClass {
    store.insert(&class).await.unwrap();
    match store
        .mark_started(&class.tenant_id, class.id, T0)
        .await
        .unwrap()
    {
        TransitionOutcome::Changed(c) => *c,
        other => panic!("start failed: {other:?}"),
    }
}

async fn active_users(store: &DieselStore, class: &LiveClass) -> BTreeSet<String> {
    store
        .list_for_class(&class.tenant_id, class.id, true)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.user_id.as_str().to_owned())
        .collect()
}

async fn event_types(store: &DieselStore, class: &LiveClass) -> Vec<EventType> {
    // Number whatever is pending, then read the log.
    store.sequence_pending(1000).await.unwrap();
    store
        .events_after(&class.tenant_id, class.id, 0, 1000)
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

async fn ask(store: &DieselStore, class: &LiveClass, who: &str) -> JoinRequest {
    let request = JoinRequest {
        id: RequestId::from_uuid(uuid::Uuid::new_v4()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        user_id: user(who),
        user_name: None,
        status: RequestStatus::Pending,
        requested_at: T0,
        decided_at: None,
        decided_by: None,
    };
    match store.request_to_join(&request).await.unwrap() {
        RequestOutcome::Created(r) | RequestOutcome::Existing(r) => r,
    }
}

async fn decide(
    store: &DieselStore,
    class: &LiveClass,
    request: RequestId,
    decision: Decision,
    seconds: i64,
) -> DecideOutcome {
    store
        .decide(
            &class.tenant_id,
            class.id,
            request,
            decision,
            &user("teacher"),
            at(seconds),
        )
        .await
        .unwrap()
}

async fn an_approval_class_admits_approved_users_until_the_approval_is_withdrawn(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = started(
        &store,
        LiveClass {
            admission: AdmissionPolicy::Approval,
            ..new_class("tenant-a", 5, T0)
        },
    )
    .await;
    // The creator needs no approval.
    let teacher = AdmitRequest {
        user_id: user("teacher"),
        ..admit_request(&class, "teacher", at(1))
    };
    assert!(matches!(
        store.admit(&teacher).await.unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(
        store
            .admit(&admit_request(&class, "ann", at(1)))
            .await
            .unwrap(),
        AdmitOutcome::NotApproved
    );
    let request = ask(&store, &class, "ann").await;
    // Asking twice gives the same request.
    assert_eq!(ask(&store, &class, "ann").await.id, request.id);
    assert_eq!(
        store
            .admit(&admit_request(&class, "ann", at(2)))
            .await
            .unwrap(),
        AdmitOutcome::NotApproved,
        "a pending request does not admit"
    );
    let DecideOutcome::Decided {
        request: approved,
        removed: None,
    } = decide(&store, &class, request.id, Decision::Approve, 3).await
    else {
        panic!("not decided");
    };
    assert_eq!(approved.status, RequestStatus::Approved);
    assert!(matches!(
        store
            .admit(&admit_request(&class, "ann", at(4)))
            .await
            .unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    // Withdrawn: out of the class at once, and refused afterwards.
    let DecideOutcome::Decided {
        request: rejected,
        removed: Some(stay),
    } = decide(&store, &class, request.id, Decision::Reject, 5).await
    else {
        panic!("the withdrawal removed nobody");
    };
    assert_eq!(rejected.status, RequestStatus::Rejected);
    assert_eq!(stay.left_at, Some(at(5)));
    assert_eq!(
        active_users(&store, &class).await,
        BTreeSet::from(["teacher".into()])
    );
    assert_eq!(
        store
            .admit(&admit_request(&class, "ann", at(6)))
            .await
            .unwrap(),
        AdmitOutcome::NotApproved
    );
    // An unknown request, or another class's, is not found.
    let unknown = RequestId::from_uuid(uuid::Uuid::new_v4());
    assert_eq!(
        decide(&store, &class, unknown, Decision::Approve, 7).await,
        DecideOutcome::NotFound
    );
    let listed = store
        .list_requests(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        store
            .list_requests(&tenant("tenant-b"), class.id)
            .await
            .unwrap()
            .is_empty(),
        "another tenant sees no request"
    );
    let types = event_types(&store, &class).await;
    for expected in [
        EventType::JoinRequestCreated,
        EventType::JoinRequestApproved,
        EventType::JoinRequestRejected,
    ] {
        assert!(types.contains(&expected), "{expected:?} in {types:?}");
    }
}

async fn a_removal_ends_the_stay_and_bans_until_the_class_ends(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    store
        .admit(&admit_request(&class, "bob", at(1)))
        .await
        .unwrap();
    let RemoveOutcome::Removed { ended: Some(stay) } = store
        .remove(
            &class.tenant_id,
            class.id,
            &user("bob"),
            &user("teacher"),
            at(2),
        )
        .await
        .unwrap()
    else {
        panic!("bob's stay did not end");
    };
    assert_eq!(stay.left_at, Some(at(2)));
    assert_eq!(
        store
            .admit(&admit_request(&class, "bob", at(3)))
            .await
            .unwrap(),
        AdmitOutcome::Removed
    );
    assert_eq!(
        store.admit(&waiting(&class, "bob", 3)).await.unwrap(),
        AdmitOutcome::Removed,
        "nor through the waitlist"
    );
    assert!(
        store
            .is_removed(&class.tenant_id, class.id, &user("bob"))
            .await
            .unwrap()
    );
    // Someone absent is banned too; twice changes nothing.
    for _ in 0..2 {
        assert_eq!(
            store
                .remove(
                    &class.tenant_id,
                    class.id,
                    &user("eve"),
                    &user("teacher"),
                    at(4)
                )
                .await
                .unwrap(),
            RemoveOutcome::Removed { ended: None }
        );
    }
    assert_eq!(
        store
            .admit(&admit_request(&class, "eve", at(5)))
            .await
            .unwrap(),
        AdmitOutcome::Removed
    );
    // Another tenant's class is not found, and bans nobody here.
    assert_eq!(
        store
            .remove(
                &tenant("tenant-b"),
                class.id,
                &user("ann"),
                &user("x"),
                at(6)
            )
            .await
            .unwrap(),
        RemoveOutcome::NotFound
    );
    assert!(
        !store
            .is_removed(&class.tenant_id, class.id, &user("ann"))
            .await
            .unwrap()
    );
    let types = event_types(&store, &class).await;
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == EventType::ParticipantRemoved)
            .count(),
        3
    );
}

async fn the_first_in_line_takes_a_freed_seat_in_the_same_transaction(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    // Two seats for students, and the one held for the teacher.
    let class = live_class(&store, 3).await;
    for (who, s) in [("a", 1), ("b", 2)] {
        assert!(matches!(
            store.admit(&waiting(&class, who, s)).await.unwrap(),
            AdmitOutcome::Admitted(_)
        ));
    }
    // Full: without asking to wait, refused; asking, in line.
    assert_eq!(
        store
            .admit(&admit_request(&class, "c", at(3)))
            .await
            .unwrap(),
        AdmitOutcome::Full { capacity: 3 }
    );
    assert_eq!(
        store.admit(&waiting(&class, "c", 3)).await.unwrap(),
        AdmitOutcome::Waiting { position: 1 }
    );
    assert_eq!(
        store.admit(&waiting(&class, "d", 4)).await.unwrap(),
        AdmitOutcome::Waiting { position: 2 }
    );
    assert_eq!(
        store.admit(&waiting(&class, "e", 5)).await.unwrap(),
        AdmitOutcome::Waiting { position: 3 }
    );
    // Asking again, or joining without waiting, keeps one's place.
    assert_eq!(
        store.admit(&waiting(&class, "d", 6)).await.unwrap(),
        AdmitOutcome::Waiting { position: 2 }
    );
    assert_eq!(
        store
            .admit(&admit_request(&class, "d", at(6)))
            .await
            .unwrap(),
        AdmitOutcome::Waiting { position: 2 }
    );
    // d leaves the line; e moves up.
    assert!(
        store
            .leave_waitlist(&class.tenant_id, class.id, &user("d"), at(7))
            .await
            .unwrap()
    );
    assert!(
        !store
            .leave_waitlist(&class.tenant_id, class.id, &user("d"), at(7))
            .await
            .unwrap()
    );
    let line = store.waitlist(&class.tenant_id, class.id).await.unwrap();
    let line: Vec<(&str, Option<u64>)> = line
        .iter()
        .map(|e| (e.user_id.as_str(), e.position))
        .collect();
    assert_eq!(line, vec![("c", Some(1)), ("e", Some(2))]);
    // a leaves: c is in, in that transaction.
    store
        .release(&class.tenant_id, class.id, &user("a"), at(8))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        active_users(&store, &class).await,
        BTreeSet::from(["b".into(), "c".into()])
    );
    let c = store
        .my_entry(&class.tenant_id, class.id, &user("c"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, WaitStatus::Admitted);
    assert!(c.participation_id.is_some());
    let e = store
        .my_entry(&class.tenant_id, class.id, &user("e"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((e.status, e.position), (WaitStatus::Waiting, Some(1)));
    // c's join answers with c's seat.
    assert!(matches!(
        store.admit(&waiting(&class, "c", 9)).await.unwrap(),
        AdmitOutcome::AlreadyActive(_)
    ));
    // A removal frees a seat too: e takes it.
    store
        .remove(
            &class.tenant_id,
            class.id,
            &user("b"),
            &user("teacher"),
            at(10),
        )
        .await
        .unwrap();
    assert_eq!(
        active_users(&store, &class).await,
        BTreeSet::from(["c".into(), "e".into()])
    );
    // A capacity increase admits from the line at once.
    for (who, s) in [("f", 11), ("g", 12), ("h", 13)] {
        store.admit(&waiting(&class, who, s)).await.unwrap();
    }
    let UpdateOutcome::Updated(_) = store
        .update_details(
            &class.tenant_id,
            class.id,
            &DetailsUpdate {
                title: class.title.clone(),
                description: None,
                scheduled_at: class.scheduled_at,
                max_participants: Capacity::from_stored(5),
                admission: class.admission,
                room: class.room.clone(),
            },
            at(14),
        )
        .await
        .unwrap()
    else {
        panic!("not updated");
    };
    assert_eq!(
        active_users(&store, &class).await,
        BTreeSet::from(["c".into(), "e".into(), "f".into(), "g".into()])
    );
    // The end closes the line.
    store
        .mark_ended(&class.tenant_id, class.id, at(15))
        .await
        .unwrap();
    let h = store
        .my_entry(&class.tenant_id, class.id, &user("h"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((h.status, h.position), (WaitStatus::Closed, None));
    assert!(
        store
            .waitlist(&class.tenant_id, class.id)
            .await
            .unwrap()
            .is_empty()
    );
    let types = event_types(&store, &class).await;
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == EventType::WaitlistPromoted)
            .count(),
        4
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == EventType::WaitlistEntered)
            .count(),
        6
    );
}

/// Many joins that wait, leaves and line exits at once on one class: no
/// seat stays free while someone waits, nobody is admitted twice, the line
/// is served in order, and the class never holds more than its capacity.
async fn concurrent_joins_leaves_and_waits_keep_the_waitlists_invariants(db: TestDatabase) {
    const CAPACITY: u32 = 6;
    const USERS: usize = 40;
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, CAPACITY).await;
    let tasks: Vec<_> = (0..USERS)
        .map(|i| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                let who = format!("u{i}");
                let outcome = store.admit(&waiting(&class, &who, 1)).await.unwrap();
                match (outcome, i % 3) {
                    (AdmitOutcome::Admitted(_), 0 | 1) => {
                        store
                            .release(&class.tenant_id, class.id, &user(&who), at(2))
                            .await
                            .unwrap();
                    }
                    (AdmitOutcome::Waiting { .. }, 2) => {
                        store
                            .leave_waitlist(&class.tenant_id, class.id, &user(&who), at(2))
                            .await
                            .unwrap();
                    }
                    _ => {}
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let active = active_users(&store, &class).await;
    let line = store.waitlist(&class.tenant_id, class.id).await.unwrap();
    // The students share every seat but the one held for the teacher.
    assert!(active.len() < CAPACITY as usize);
    if !line.is_empty() {
        assert_eq!(
            active.len(),
            CAPACITY as usize - 1,
            "a seat is free while {} wait",
            line.len()
        );
    }
    // The log: active never above capacity, each entry promoted at most
    // once, promotions in line order.
    store.sequence_pending(10_000).await.unwrap();
    let events = store
        .events_after(&class.tenant_id, class.id, 0, 10_000)
        .await
        .unwrap()
        .events;
    let mut promoted = Vec::new();
    for e in &events {
        if e.event_type == EventType::ParticipantJoined {
            let count = e.data["activeCount"].as_u64().unwrap();
            assert!(count < u64::from(CAPACITY), "{count} active at #{}", e.seq);
        }
        if e.event_type == EventType::WaitlistPromoted {
            promoted.push(e.data["entry"]["id"].as_str().unwrap().to_owned());
        }
    }
    let distinct: BTreeSet<_> = promoted.iter().collect();
    assert_eq!(distinct.len(), promoted.len(), "an entry promoted twice");
    let entered: Vec<String> = events
        .iter()
        .filter(|e| e.event_type == EventType::WaitlistEntered)
        .map(|e| e.data["entry"]["id"].as_str().unwrap().to_owned())
        .collect();
    let order = |id: &String| entered.iter().position(|x| x == id).unwrap();
    let positions: Vec<usize> = promoted.iter().map(order).collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    assert_eq!(positions, sorted, "promotions out of line order");
}

on_both_backends!(
    an_approval_class_admits_approved_users_until_the_approval_is_withdrawn,
    a_removal_ends_the_stay_and_bans_until_the_class_ends,
    the_first_in_line_takes_a_freed_seat_in_the_same_transaction,
    concurrent_joins_leaves_and_waits_keep_the_waitlists_invariants,
);
