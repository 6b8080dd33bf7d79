//! The provider-webhook inbox and provider sessions (issue 11), on SQLite
//! and on PostgreSQL: one row per delivery however often it is sent (also
//! concurrently), exclusive claims with attempts counted, outcomes and
//! retries, the tenant's view, reprocessing, the room → class lookup, and
//! sessions merged in any order of arrival. Then the whole worker over the
//! real store: screen sharing reported by the provider reaches the
//! participant's controls and the class's log.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crate::common;

use diesel::prelude::*;
use liveclass_domain::class::{AdmitOutcome, ClassRepository, ParticipationRepository};
use liveclass_domain::clock::FixedClock;
use liveclass_domain::controls::ControlsRepository;
use liveclass_domain::ids::UserId;
use liveclass_domain::provider_events::{
    IncomingProviderEvent, ProviderEventJobs, ProviderEventPolicy, ProviderEventRepository,
    ProviderEventStatus, ProviderEventStores, ProviderPayloads, ProviderSignal, ReceiveOutcome,
    RoomRef, SessionRef,
};
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use time::Duration;

use common::*;

fn inbox(store: &DieselStore) -> &dyn ProviderEventRepository {
    store
}

fn incoming(external_id: &str, minute: i64) -> IncomingProviderEvent {
    IncomingProviderEvent {
        provider: "daily".into(),
        external_id: external_id.into(),
        event_type: "participant.joined".into(),
        body: r#"{"type":"participant.joined"}"#.into(),
        received_at: T0 + Duration::minutes(minute),
    }
}

async fn a_delivery_is_stored_once_however_often_it_comes(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let first = inbox(&store)
        .record_provider_event(&incoming("evt-1", 0))
        .await
        .unwrap();
    let ReceiveOutcome::Stored(id) = first else {
        panic!("{first:?}")
    };
    // Replayed later, and eight copies at once: the first row stands.
    assert_eq!(
        inbox(&store)
            .record_provider_event(&incoming("evt-1", 5))
            .await
            .unwrap(),
        ReceiveOutcome::Duplicate(id)
    );
    let copies: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                inbox(&store)
                    .record_provider_event(&incoming("evt-2", 1))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut stored = 0;
    for copy in copies {
        if matches!(copy.await.unwrap(), ReceiveOutcome::Stored(_)) {
            stored += 1;
        }
    }
    assert_eq!(stored, 1);
    // The same id from another provider is another delivery.
    let zoom = IncomingProviderEvent {
        provider: "zoom".into(),
        ..incoming("evt-1", 0)
    };
    assert!(matches!(
        inbox(&store).record_provider_event(&zoom).await.unwrap(),
        ReceiveOutcome::Stored(_)
    ));
}

async fn claims_are_exclusive_count_attempts_and_outcomes_stop_them(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        inbox(&store)
            .record_provider_event(&incoming(id, i64::try_from(i).unwrap()))
            .await
            .unwrap();
    }
    let now = T0 + Duration::minutes(10);
    let lease = Duration::minutes(1);
    let claimed = inbox(&store)
        .claim_provider_events(now, lease, 2)
        .await
        .unwrap();
    // Oldest first, attempts counted.
    let ids: Vec<&str> = claimed.iter().map(|e| e.external_id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(claimed.iter().all(|e| e.attempts == 1));
    // Leased: a second claimer gets only the third.
    let rest = inbox(&store)
        .claim_provider_events(now, lease, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].external_id, "c");

    let class = live_class(&store, 5).await;
    inbox(&store)
        .finish_provider_event(
            claimed[0].id,
            ProviderEventStatus::Processed,
            None,
            Some((class.tenant_id.clone(), class.id)),
            now,
        )
        .await
        .unwrap();
    inbox(&store)
        .retry_provider_event(claimed[1].id, now + Duration::minutes(5), "db down".into())
        .await
        .unwrap();
    // After the lease: only the unfinished ones come back; the retried one
    // at its own time, with its error kept.
    let later = now + Duration::minutes(2);
    let again = inbox(&store)
        .claim_provider_events(later, lease, 10)
        .await
        .unwrap();
    let ids: Vec<(&str, u32)> = again
        .iter()
        .map(|e| (e.external_id.as_str(), e.attempts))
        .collect();
    assert_eq!(ids, [("c", 2)]);
    // At its time the retried one is due (and "c", whose lease ran out).
    let retried = inbox(&store)
        .claim_provider_events(now + Duration::minutes(5), lease, 10)
        .await
        .unwrap();
    let b = retried.iter().find(|e| e.external_id == "b").unwrap();
    assert_eq!(retried.len(), 2);
    assert_eq!(b.last_error.as_deref(), Some("db down"));
    assert_eq!((b.status, b.attempts), (ProviderEventStatus::Received, 2));

    // Only the class's tenant sees the processed one; reprocessing makes it
    // due again with its attempts starting over.
    let mine = inbox(&store)
        .list_provider_events(&class.tenant_id, None, 50)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, ProviderEventStatus::Processed);
    assert_eq!(mine[0].class_id, Some(class.id));
    assert!(
        inbox(&store)
            .list_provider_events(&class.tenant_id, Some(ProviderEventStatus::Failed), 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        inbox(&store)
            .list_provider_events(&tenant("other"), None, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        inbox(&store)
            .reprocess_provider_event(&tenant("other"), claimed[0].id, later)
            .await
            .unwrap(),
        None
    );
    let again = inbox(&store)
        .reprocess_provider_event(&class.tenant_id, claimed[0].id, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (again.status, again.attempts),
        (ProviderEventStatus::Received, 0)
    );
    let due = inbox(&store)
        .claim_provider_events(later, lease, 10)
        .await
        .unwrap();
    assert!(due.iter().any(|e| e.id == claimed[0].id));
}

async fn a_room_finds_its_class_and_sessions_merge_in_any_order(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    let room = RoomRef {
        provider: class.room.provider.clone(),
        external_id: class.room.external_id.clone(),
    };
    assert_eq!(
        inbox(&store)
            .class_for_room(&room)
            .await
            .unwrap()
            .unwrap()
            .id,
        class.id
    );
    let elsewhere = RoomRef {
        provider: "zoom".into(),
        ..room.clone()
    };
    assert!(
        inbox(&store)
            .class_for_room(&elsewhere)
            .await
            .unwrap()
            .is_none()
    );

    let session = SessionRef {
        key: "sess-1".into(),
        user_hint: Some("ada".into()),
        name: Some("Ada".into()),
    };
    let (joined, left) = (T0 + Duration::minutes(3), T0 + Duration::minutes(40));
    // The leave arrives first, without a user; then the join maps it.
    let s = inbox(&store)
        .record_provider_session(&class, "daily", &session, None, None, Some(left))
        .await
        .unwrap();
    assert_eq!(
        (s.joined_at, s.left_at, s.user_id.clone()),
        (None, Some(left), None)
    );
    let s = inbox(&store)
        .record_provider_session(
            &class,
            "daily",
            &session,
            Some(user("ada")),
            Some(joined),
            None,
        )
        .await
        .unwrap();
    assert_eq!((s.joined_at, s.left_at), (Some(joined), Some(left)));
    assert_eq!(s.user_id, Some(user("ada")));
    // A replayed, later join and an older leave change nothing; the user stays.
    let s = inbox(&store)
        .record_provider_session(
            &class,
            "daily",
            &session,
            None,
            Some(joined + Duration::minutes(1)),
            Some(left - Duration::minutes(10)),
        )
        .await
        .unwrap();
    assert_eq!((s.joined_at, s.left_at), (Some(joined), Some(left)));
    assert_eq!(s.user_id, Some(user("ada")));
    let found = inbox(&store)
        .provider_session(class.id, "daily", "sess-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, s);
    assert_eq!(
        inbox(&store)
            .provider_sessions_of_class(class.id)
            .await
            .unwrap(),
        std::slice::from_ref(&s)
    );
    assert!(
        inbox(&store)
            .provider_session(class.id, "zoom", "sess-1")
            .await
            .unwrap()
            .is_none()
    );
}

/// Every body means `signal`; a user's key is their id.
struct Means(ProviderSignal);

impl ProviderPayloads for Means {
    fn decode(&self, _: &str, _: &str) -> Result<ProviderSignal, String> {
        Ok(self.0.clone())
    }
    fn user_key(&self, _: &str, user: &UserId) -> String {
        user.as_str().to_owned()
    }
}

async fn provider_screen_sharing_reaches_the_participants_controls(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 5).await;
    let at = T0 + Duration::minutes(2);
    assert!(matches!(
        store
            .admit(&admit_request(&class, "ada", at))
            .await
            .unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    let room = RoomRef {
        provider: class.room.provider.clone(),
        external_id: class.room.external_id.clone(),
    };
    let clock = Arc::new(FixedClock::at(T0 + Duration::minutes(10)));
    let run = |signal: ProviderSignal, id: &str| {
        let (store, clock) = (store.clone(), clock.clone());
        let id = id.to_owned();
        async move {
            inbox(&store)
                .record_provider_event(&IncomingProviderEvent {
                    provider: "jitsi".into(),
                    external_id: id,
                    event_type: "t".into(),
                    body: "{}".into(),
                    received_at: T0,
                })
                .await
                .unwrap();
            ProviderEventJobs::new(
                store.clone(),
                ProviderEventStores {
                    classes: store.clone(),
                    participations: store.clone(),
                    controls: store.clone(),
                    recordings: store.clone(),
                },
                Arc::new(Means(signal)),
                clock,
                Arc::new(liveclass_domain::ids::RandomIds),
                ProviderEventPolicy::default(),
            )
            .run_once()
            .await
            .unwrap()
        }
    };
    let joined = ProviderSignal::ParticipantJoined {
        room: room.clone(),
        session: SessionRef {
            key: "p-1".into(),
            user_hint: Some("ada".into()),
            name: None,
        },
        at,
    };
    assert_eq!(run(joined, "e1").await.processed, 1);
    let sharing = |on: bool| ProviderSignal::Sharing {
        room: room.clone(),
        session_key: "p-1".into(),
        sharing: on,
        at: at + Duration::minutes(1),
    };
    assert_eq!(run(sharing(true), "e2").await.processed, 1);
    let controls = store
        .controls_of(&class.tenant_id, class.id, &user("ada"))
        .await
        .unwrap()
        .unwrap();
    assert!(controls.screen_sharing);
    // Reported twice: no second event. Then stopped.
    run(sharing(true), "e3").await;
    run(sharing(false), "e4").await;
    let mut conn = store.pool().get().unwrap();
    let updates: Vec<String> = class_events::table
        .filter(class_events::class_id.eq(class.id.to_string()))
        .filter(class_events::event_type.eq("participant.updated"))
        .order(class_events::position.asc())
        .select(class_events::data)
        .load(&mut *conn)
        .unwrap();
    let sharing: Vec<bool> = updates
        .iter()
        .map(|d| serde_json::from_str::<serde_json::Value>(d).unwrap())
        .map(|d| d["participant"]["screenSharing"].as_bool().unwrap())
        .collect();
    assert_eq!(sharing, [true, false]);
    // The class still knows its start, and nothing else moved.
    let found = store
        .find(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.status, class.status);
}

on_both_backends!(
    a_delivery_is_stored_once_however_often_it_comes,
    claims_are_exclusive_count_attempts_and_outcomes_stop_them,
    a_room_finds_its_class_and_sessions_merge_in_any_order,
    provider_screen_sharing_reaches_the_participants_controls,
);
