//! The class event log (module `events` of the crate): every change appends
//! its event in its transaction, the sequencer numbers each class's events
//! without gaps, after every number already given, and a reader of
//! `seq > n` never skips one — under concurrent joins, on SQLite
//! and on PostgreSQL (`LIVECLASS_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::connection::SimpleConnection;
use liveclass_domain::class::{AdmitOutcome, ClassRepository, ParticipationRepository};
use liveclass_domain::events::{ClassEvent, ClassEventRepository, EventType, NewEvent};
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{AnyConnection, DieselStore, on_both_backends};
use serde_json::json;
use time::Duration;

use common::*;

async fn sequence_all(store: &DieselStore) {
    // Passes until nothing is left (a pass skips while another one runs).
    for _ in 0..500 {
        store.sequence_pending(10_000).await.unwrap();
        let pending = pending_count(store).await;
        if pending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("events stayed unsequenced");
}

async fn pending_count(store: &DieselStore) -> i64 {
    use diesel::prelude::*;
    use liveclass_persistence::schema::class_events;
    let mut conn = store.pool().get().unwrap();
    class_events::table
        .filter(class_events::seq.is_null())
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

async fn all_events(store: &DieselStore, class: &liveclass_domain::LiveClass) -> Vec<ClassEvent> {
    store
        .events_after(&class.tenant_id, class.id, 0, 1000)
        .await
        .unwrap()
        .events
}

fn types(events: &[ClassEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

async fn every_change_appends_its_event_in_order(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    let a = store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let AdmitOutcome::Admitted(a) = a else {
        panic!("{a:?}")
    };
    store
        .admit(&admit_request(&class, "b", T0 + Duration::seconds(10)))
        .await
        .unwrap();
    store
        .release(
            &class.tenant_id,
            class.id,
            &a.user_id,
            T0 + Duration::seconds(60),
        )
        .await
        .unwrap()
        .unwrap();
    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::seconds(100))
        .await
        .unwrap();
    sequence_all(&store).await;

    let events = all_events(&store, &class).await;
    assert_eq!(
        types(&events),
        [
            "class.created",
            "class.started",
            "participant.joined",
            "participant.joined",
            "participant.left",
            "participant.left",
            "class.ended"
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    let joined_a = &events[2].data;
    assert_eq!(joined_a["participation"]["userId"], "a");
    assert_eq!(joined_a["role"], "participant");
    assert_eq!(
        (
            joined_a["activeCount"].clone(),
            joined_a["capacity"].clone()
        ),
        (json!(1), json!(5))
    );
    assert_eq!(events[3].data["activeCount"], 2);
    assert_eq!(events[4].data["reason"], "left");
    assert_eq!(events[4].data["activeCount"], 1);
    assert_eq!(events[5].data["reason"], "class_ended");
    assert_eq!(events[5].data["participation"]["userId"], "b");
    assert_eq!(events[5].data["activeCount"], 0);
    let ended = &events[6].data;
    assert_eq!(ended["class"]["status"], "ended");
    assert_eq!(ended["class"]["startedAt"], "2030-03-01T14:00:00.000000Z");
    assert_eq!(ended["class"]["endedAt"], "2030-03-01T14:01:40.000000Z");
    let attendees = ended["attendees"].as_array().unwrap();
    assert_eq!(attendees.len(), 2);
    let by = |u: &str| attendees.iter().find(|x| x["userId"] == u).unwrap().clone();
    assert_eq!(by("a")["secondsPresent"], 60);
    assert_eq!(by("a")["lastLeftAt"], "2030-03-01T14:01:00.000000Z");
    assert_eq!(by("b")["secondsPresent"], 90);
    assert_eq!(by("b")["firstJoinedAt"], "2030-03-01T14:00:10.000000Z");
    assert_eq!(by("b")["userName"], "b name");
}

/// PostgreSQL builds the join's data inside `liveclass_admit`: it must be
/// exactly what the domain's constructor builds.
async fn the_joins_data_is_the_domains(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 3).await;
    let outcome = store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let AdmitOutcome::Admitted(p) = outcome else {
        panic!("{outcome:?}")
    };
    sequence_all(&store).await;
    let events = all_events(&store, &class).await;
    let joined = events
        .iter()
        .find(|e| e.event_type == EventType::ParticipantJoined)
        .unwrap();
    // The domain's data, with the active count the sequencer sets.
    let mut expected = NewEvent::participant_joined(&p, 3).data;
    expected["activeCount"] = json!(1);
    assert_eq!(joined.data, expected);
    assert_eq!(joined.occurred_at, p.joined_at);
}

async fn concurrent_joins_are_numbered_without_gaps_and_read_without_skips(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    // 40 joiners, and the seat held for the teacher.
    let class = live_class(&store, 41).await;
    let done = Arc::new(AtomicBool::new(false));

    // Sequencers run all along, as in several server processes.
    let sequencers: Vec<_> = (0..2)
        .map(|_| {
            let (store, done) = (store.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(Ordering::Relaxed) {
                    store.sequence_pending(7).await.unwrap();
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    // A reader follows the log as a stream would: `seq > last` each time.
    let reader = {
        let (store, done, class) = (store.clone(), done.clone(), class.clone());
        tokio::spawn(async move {
            let mut seen: Vec<ClassEvent> = Vec::new();
            loop {
                let finished = done.load(Ordering::Relaxed);
                let last = seen.last().map_or(0, |e| e.seq);
                let page = store
                    .events_after(&class.tenant_id, class.id, last, 1000)
                    .await
                    .unwrap();
                for event in page.events {
                    assert_eq!(
                        event.seq,
                        seen.len() as u64 + 1,
                        "a reader skipped an event"
                    );
                    seen.push(event);
                }
                if finished && seen.len() == 42 {
                    return seen;
                }
                tokio::task::yield_now().await;
            }
        })
    };
    let joins: Vec<_> = (0..40)
        .map(|i| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                store
                    .admit(&admit_request(&class, &format!("u{i}"), T0))
                    .await
                    .unwrap()
            })
        })
        .collect();
    for join in joins {
        assert!(matches!(join.await.unwrap(), AdmitOutcome::Admitted(_)));
    }
    sequence_all(&store).await;
    done.store(true, Ordering::Relaxed);
    for s in sequencers {
        s.await.unwrap();
    }
    let seen = tokio::time::timeout(std::time::Duration::from_secs(30), reader)
        .await
        .expect("the reader saw every event")
        .unwrap();
    assert_eq!(&types(&seen[..2]), &["class.created", "class.started"]);
    let mut users: Vec<String> = seen[2..]
        .iter()
        .map(|e| {
            assert_eq!(e.event_type, EventType::ParticipantJoined);
            e.data["participation"]["userId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    users.sort();
    users.dedup();
    assert_eq!(users.len(), 40, "every join has exactly one event");
    // Along the log, each join's active count is one more than the last.
    let counts: Vec<u64> = seen[2..]
        .iter()
        .map(|e| e.data["activeCount"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, (1..=40).collect::<Vec<u64>>());
    assert_eq!(all_events(&store, &class).await, seen);
}

/// The trap of a high-water mark over an insert-time serial: an event
/// appended first but committed last. It must be numbered after the events
/// a reader has already read, never below them, so the reader gets it.
async fn an_event_that_commits_late_is_numbered_after_what_readers_saw(db: TestDatabase) {
    let mut open = db.pool.get().unwrap();
    if !matches!(&*open, AnyConnection::Postgresql(_)) {
        return; // SQLite has one writer at a time: nothing can commit late.
    }
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    sequence_all(&store).await;
    let insert = |id: &str| {
        format!(
            "INSERT INTO class_events (id, tenant_id, class_id, event_type, occurred_at, data) \
             VALUES ('{id}', '{}', '{}', 'class.updated', now(), '{{}}')",
            class.tenant_id.as_str(),
            class.id
        )
    };
    let early = uuid::Uuid::new_v4().to_string();
    let late = uuid::Uuid::new_v4().to_string();
    open.batch_execute(&format!("BEGIN; {}", insert(&early)))
        .unwrap();
    {
        let mut other = db.pool.get().unwrap();
        other.batch_execute(&insert(&late)).unwrap();
    }
    sequence_all(&store).await;
    // A reader now reads up to the committed one.
    let read = store
        .events_after(&class.tenant_id, class.id, 2, 100)
        .await
        .unwrap();
    let ids: Vec<String> = read.events.iter().map(|e| e.id.to_string()).collect();
    assert_eq!(ids, std::slice::from_ref(&late));
    assert_eq!(read.events[0].seq, 3);

    open.batch_execute("COMMIT").unwrap();
    sequence_all(&store).await;
    let next = store
        .events_after(&class.tenant_id, class.id, 3, 100)
        .await
        .unwrap();
    let ids: Vec<String> = next.events.iter().map(|e| e.id.to_string()).collect();
    assert_eq!(ids, [early], "the late commit is read after seq 3");
    assert_eq!(next.events[0].seq, 4);
    assert_eq!(next.last_seq, 4);
}

async fn pruned_events_make_older_readers_reset_and_numbering_goes_on(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    sequence_all(&store).await;
    let pruned = store.prune_events(T0 + Duration::days(1)).await.unwrap();
    assert_eq!(pruned, 2);
    let page = store
        .events_after(&class.tenant_id, class.id, 0, 100)
        .await
        .unwrap();
    assert!(page.reset);
    assert!(page.events.is_empty());
    assert_eq!(page.last_seq, 2);
    // Nothing pruned after 2: a reader at 2 is not reset.
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    sequence_all(&store).await;
    let page = store
        .events_after(&class.tenant_id, class.id, 2, 100)
        .await
        .unwrap();
    assert!(!page.reset);
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].seq, 3);
    // Events newer than the cut stay.
    assert_eq!(store.prune_events(T0).await.unwrap(), 0);
}

async fn another_tenants_events_are_not_read(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    sequence_all(&store).await;
    let page = store
        .events_after(&tenant("tenant-b"), class.id, 0, 100)
        .await
        .unwrap();
    assert!(page.events.is_empty());
    assert_eq!(page.last_seq, 0);
}

on_both_backends!(
    every_change_appends_its_event_in_order,
    the_joins_data_is_the_domains,
    concurrent_joins_are_numbered_without_gaps_and_read_without_skips,
    an_event_that_commits_late_is_numbered_after_what_readers_saw,
    pruned_events_make_older_readers_reset_and_numbering_goes_on,
    another_tenants_events_are_not_read,
);
