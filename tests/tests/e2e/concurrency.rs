//! Capacity under concurrent joins, over real HTTP, on both backends.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use liveclass_domain::class::ParticipationRepository;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_persistence::DieselStore;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{on_both_backends, spawn_app};
use serde_json::json;

const JOINERS: usize = 200;
const CAPACITY: u64 = 50;

async fn two_hundred_simultaneous_joins_admit_exactly_fifty(db: TestDatabase) {
    let app = Arc::new(spawn_app(db).await);
    let teacher = app.token("teacher", "acme", &["training_manager"]);
    // CAPACITY seats for students, and the one held for the teacher (who
    // is seated by the start).
    let class = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Hot class", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": CAPACITY + 1}),
        )
        .await;
    let cid = class.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(&format!("/live-classes/{cid}/start"), &teacher)
            .await
            .status,
        200
    );

    let barrier = Arc::new(tokio::sync::Barrier::new(JOINERS));
    let tasks: Vec<_> = (0..JOINERS)
        .map(|i| {
            let (app, barrier, cid) = (app.clone(), barrier.clone(), cid.clone());
            tokio::spawn(async move {
                let token = app.token(&format!("student-{i}"), "acme", &[]);
                barrier.wait().await;
                app.post(&format!("/live-classes/{cid}/join"), &token).await
            })
        })
        .collect();
    let mut statuses: HashMap<u16, u64> = HashMap::new();
    for task in tasks {
        let reply = task.await.unwrap();
        if reply.status == 409 {
            assert_eq!(reply.body["code"], "class_full");
        }
        *statuses.entry(reply.status).or_default() += 1;
    }
    assert_eq!(statuses.get(&200), Some(&CAPACITY), "{statuses:?}");
    assert_eq!(
        statuses.get(&409),
        Some(&(JOINERS as u64 - CAPACITY)),
        "{statuses:?}"
    );

    // What the database holds, not what the API says.
    let store = DieselStore::new(app.db.pool.clone());
    let class_id = ClassId::from_uuid(uuid::Uuid::parse_str(&cid).unwrap());
    let active = store
        .list_for_class(&TenantId::parse("acme").unwrap(), class_id, true)
        .await
        .unwrap();
    // The students and the teacher: the class is exactly full.
    assert_eq!(active.len() as u64, CAPACITY + 1);
    let view = app.get(&format!("/live-classes/{cid}"), &teacher).await;
    assert_eq!(view.body["activeParticipants"], CAPACITY + 1);
}

on_both_backends!(two_hundred_simultaneous_joins_admit_exactly_fifty);
