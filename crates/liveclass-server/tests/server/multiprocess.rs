//! Capacity across processes: several `server` processes on one database take
//! a burst of joins for one class, and exactly `capacity` are admitted.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{SECRET, ServerProcess};
use liveclass_domain::class::ParticipationRepository;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_http::TokenIssuer;
use liveclass_persistence::DieselStore;
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const JOINS: usize = 600;
const CAPACITY: usize = 250;

/// Creates and starts a class through the first server, then fires `JOINS`
/// simultaneous joins spread round-robin over all servers. Returns the count
/// of each status code after checking the database holds exactly `CAPACITY`
/// active participations.
async fn burst(db: &TestDatabase, servers: &[ServerProcess]) -> BTreeMap<u16, usize> {
    let issuer = TokenIssuer::hs256(SECRET.as_bytes(), None, None);
    let teacher = issuer
        .mint("teacher", "acme", &["training_manager"], None, 600)
        .unwrap();
    // reqwest is built without a default TLS provider (see liveclass-video).
    liveclass_video::install_crypto_provider();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let created: Value = client
        .post(servers[0].url("/live-classes"))
        .bearer_auth(&teacher)
        .json(&json!({"title": "Hot class", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": CAPACITY + 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cid = created["id"].as_str().unwrap().to_owned();
    let started = client
        .post(servers[1 % servers.len()].url(&format!("/live-classes/{cid}/start")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);

    let urls: Vec<String> = servers
        .iter()
        .map(|s| s.url(&format!("/live-classes/{cid}/join")))
        .collect();
    let barrier = Arc::new(tokio::sync::Barrier::new(JOINS));
    let tasks: Vec<_> = (0..JOINS)
        .map(|i| {
            let url = urls[i % urls.len()].clone();
            let token = issuer
                .mint(&format!("student-{i}"), "acme", &[], None, 600)
                .unwrap();
            let (client, barrier) = (client.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let response = client.post(url).bearer_auth(token).send().await.unwrap();
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap();
                (status, body)
            })
        })
        .collect();
    let mut statuses = BTreeMap::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status >= 500 {
            panic!("a join failed with {status}: {body}");
        }
        *statuses.entry(status).or_insert(0) += 1;
    }

    let store = DieselStore::new(db.pool.clone());
    let class_id = ClassId::from_uuid(uuid::Uuid::parse_str(&cid).unwrap());
    let active = store
        .list_for_class(&TenantId::parse("acme").unwrap(), class_id, true)
        .await
        .unwrap();
    // The students, and the teacher seated by the start.
    assert_eq!(
        active.len(),
        CAPACITY + 1,
        "active participations in the database"
    );
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_on_one_postgres_admit_exactly_the_capacity() {
    let Some(db) =
        TestDatabase::postgres("three_processes_on_one_postgres_admit_exactly_the_capacity")
    else {
        return;
    };
    let env = [
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "1"),
        ("LIVECLASS_DB_POOL_SIZE", "8"),
    ];
    // Started together: their migrations race for the advisory lock too.
    let servers: Vec<ServerProcess> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| ServerProcess::start(&env)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let statuses = burst(&db, &servers).await;
    assert_eq!(
        statuses,
        BTreeMap::from([(200, CAPACITY), (409, JOINS - CAPACITY)]),
        "status counts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_on_sqlite_admits_exactly_the_capacity_without_lock_errors() {
    let db = TestDatabase::sqlite();
    let server = ServerProcess::start(&[
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_JWT_SECRET", SECRET),
    ]);
    let statuses = burst(&db, std::slice::from_ref(&server)).await;
    assert_eq!(
        statuses,
        BTreeMap::from([(200, CAPACITY), (409, JOINS - CAPACITY)]),
        "status counts"
    );
}
