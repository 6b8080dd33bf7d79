//! The webhook outbox (module `webhooks` of the crate): the trigger on
//! `class_events` writes a delivery per matching enabled endpoint of the
//! event's tenant in the event's transaction (PostgreSQL's `liveclass_admit`
//! included), claims lease them, and pruning keeps every event a pending
//! delivery needs — on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

use crate::common;

use liveclass_domain::class::ParticipationRepository;
use liveclass_domain::events::ClassEventRepository;
use liveclass_domain::ids::{IdGenerator, RandomIds};
use liveclass_domain::webhooks::{
    AttemptOutcome, AttemptRecord, EndpointId, EventFilter, NewEndpoint, SealedSecret,
    WebhookEndpoint, WebhookRepository,
};
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

async fn endpoint(
    store: &DieselStore,
    tenant_name: &str,
    types: &[&str],
    enabled: bool,
) -> EndpointId {
    let id = EndpointId::from_uuid(RandomIds.new_uuid());
    let types: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
    store
        .create_endpoint(NewEndpoint {
            endpoint: WebhookEndpoint {
                id,
                tenant_id: tenant(tenant_name),
                url: "https://hooks.example/x".into(),
                event_types: EventFilter::parse(&types).unwrap(),
                description: String::new(),
                enabled,
                created_at: T0,
                updated_at: T0,
                previous_secret_expires_at: None,
            },
            secret: SealedSecret {
                key_id: "k1".into(),
                sealed: vec![1, 2, 3],
            },
        })
        .await
        .unwrap();
    id
}

async fn sequence_all(store: &DieselStore, class: &liveclass_domain::class::LiveClass, n: usize) {
    for _ in 0..100 {
        store.sequence_pending(10_000).await.unwrap();
        let page = store
            .events_after(&class.tenant_id, class.id, 0, 100)
            .await
            .unwrap();
        if page.events.len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("events stayed unsequenced");
}

async fn deliveries_follow_the_filter_the_tenant_and_enabled(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let all = endpoint(&store, "tenant-a", &[], true).await;
    let joins = endpoint(&store, "tenant-a", &["participant.joined"], true).await;
    let _off = endpoint(&store, "tenant-a", &[], false).await;
    let _other = endpoint(&store, "tenant-b", &[], true).await;
    let class = live_class(&store, 5).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    // Deliveries wait for their events to be numbered (the sequencer
    // completes a join's data).
    let far = T0 + Duration::days(3650);
    assert!(
        store
            .claim_deliveries(far, far + Duration::minutes(1), 100)
            .await
            .unwrap()
            .is_empty()
    );
    sequence_all(&store, &class, 3).await;

    let claimed = store
        .claim_deliveries(far, far + Duration::minutes(1), 100)
        .await
        .unwrap();
    let mut got: Vec<(EndpointId, String)> = claimed
        .iter()
        .map(|d| (d.endpoint_id, d.event_type.clone()))
        .collect();
    got.sort_by(|a, b| (a.0.to_string(), &a.1).cmp(&(b.0.to_string(), &b.1)));
    let mut want = vec![
        (all, "class.created".to_owned()),
        (all, "class.started".to_owned()),
        (all, "participant.joined".to_owned()),
        (joins, "participant.joined".to_owned()),
    ];
    want.sort_by(|a, b| (a.0.to_string(), &a.1).cmp(&(b.0.to_string(), &b.1)));
    assert_eq!(got, want);
    let joined = claimed
        .iter()
        .find(|d| d.event_type == "participant.joined")
        .unwrap();
    assert_eq!(joined.class_id, class.id);
    assert_eq!(joined.data["participation"]["userId"], "a");
    assert_eq!(joined.data["activeCount"], 1);
    assert_eq!(joined.secrets.len(), 1);
    // Leased: not claimed again before the lease ends, then claimed again.
    assert!(
        store
            .claim_deliveries(far, far + Duration::minutes(1), 100)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_deliveries(far + Duration::minutes(2), far + Duration::minutes(3), 100)
        .await
        .unwrap();
    assert_eq!(again.len(), 4);
}

async fn pending_deliveries_hold_back_pruning(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    endpoint(&store, "tenant-a", &[], true).await;
    let class = live_class(&store, 5).await;
    sequence_all(&store, &class, 2).await;
    let far = T0 + Duration::days(3650);
    let claimed = store
        .claim_deliveries(far, far + Duration::minutes(1), 100)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    let record = |row: i64, outcome| AttemptRecord {
        row,
        attempts: 1,
        at: T0,
        status_code: Some(200),
        latency_ms: 3,
        error: None,
        outcome,
    };
    let created = claimed
        .iter()
        .find(|d| d.event_type == "class.created")
        .unwrap();
    let started = claimed
        .iter()
        .find(|d| d.event_type == "class.started")
        .unwrap();
    store
        .record_attempt(record(created.row, AttemptOutcome::Delivered))
        .await
        .unwrap();
    store
        .record_attempt(record(started.row, AttemptOutcome::RetryAt(far)))
        .await
        .unwrap();
    // class.started still waits for its delivery: only class.created goes.
    assert_eq!(store.prune_events(T0 + Duration::days(1)).await.unwrap(), 1);
    store
        .record_attempt(record(started.row, AttemptOutcome::Delivered))
        .await
        .unwrap();
    assert_eq!(store.prune_events(T0 + Duration::days(1)).await.unwrap(), 1);
    // Finished deliveries go with their events: none is left to retry.
    let list = store
        .list_deliveries(&class.tenant_id, created.endpoint_id, 10, 0)
        .await
        .unwrap();
    assert!(list.is_empty(), "{list:?}");
}

on_both_backends!(
    deliveries_follow_the_filter_the_tenant_and_enabled,
    pending_deliveries_hold_back_pruning,
);
