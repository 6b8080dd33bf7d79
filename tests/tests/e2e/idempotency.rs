//! `Idempotency-Key` on the creating POSTs, over real HTTP, on both
//! backends; the concurrent duplicates run across two server instances on
//! one database.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use diesel::connection::SimpleConnection;
use liveclass_server::{Application, Settings};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, SECRET, TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

fn class_body(title: &str) -> Value {
    json!({"title": title, "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 30})
}

async fn post_with_key(
    app: &TestApp,
    base: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> (Reply, Option<String>) {
    let token = app.token("teacher-1", TENANT, &["training_manager"]);
    let response = app
        .client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    let status = response.status().as_u16();
    let body = response.json().await.unwrap();
    (Reply { status, body }, replayed)
}

async fn classes(app: &TestApp) -> u64 {
    let token = app.token("teacher-1", TENANT, &["training_manager"]);
    app.get("/live-classes", &token).await.body["total"]
        .as_u64()
        .unwrap()
}

async fn the_same_key_and_body_create_one_class_and_answer_the_same(db: TestDatabase) {
    let app = spawn_app(db).await;
    let base = app.address.clone();
    let body = class_body("Lab");
    let (first, replayed) = post_with_key(&app, &base, "/live-classes", "key-1", &body).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(replayed, None);
    let (second, replayed) = post_with_key(&app, &base, "/live-classes", "key-1", &body).await;
    assert_eq!(second.status, 201);
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(second.body, first.body);
    assert_eq!(classes(&app).await, 1);

    // The same key with another body: 422, nothing created.
    let (other, _) =
        post_with_key(&app, &base, "/live-classes", "key-1", &class_body("Other")).await;
    assert_eq!(other.status, 422, "{:?}", other.body);
    assert_eq!(other.body["code"], "idempotency_key_reused");
    // ... or on another operation.
    let (other, _) = post_with_key(&app, &base, "/schedules", "key-1", &body).await;
    assert_eq!(other.body["code"], "idempotency_key_reused");
    assert_eq!(classes(&app).await, 1);

    // A new key is new work; no key at all is as before.
    let (third, _) = post_with_key(&app, &base, "/live-classes", "key-2", &body).await;
    assert_eq!(third.status, 201);
    assert_ne!(third.body["id"], first.body["id"]);
    let (bad, _) = post_with_key(&app, &base, "/live-classes", "a key", &body).await;
    assert_eq!(
        (bad.status, bad.body["code"].as_str()),
        (400, Some("validation_failed"))
    );
    assert_eq!(classes(&app).await, 2);

    // A failed request does not keep its key: a retry runs.
    let invalid = json!({"title": "", "scheduledAt": "2030-11-20T14:00:00Z"});
    let (failed, _) = post_with_key(&app, &base, "/live-classes", "key-3", &invalid).await;
    assert_eq!(failed.status, 400);
    let (retried, _) =
        post_with_key(&app, &base, "/live-classes", "key-3", &class_body("Fixed")).await;
    assert_eq!(retried.status, 201, "{:?}", retried.body);
}

async fn a_schedule_is_created_once_per_key(db: TestDatabase) {
    let app = spawn_app(db).await;
    let base = app.address.clone();
    let body = json!({
        "courseId": "web-dev", "title": "Web Dev", "maxParticipants": 30,
        "timezone": "UTC", "startTime": "14:00", "durationMinutes": 60,
        "recurrence": {"frequency": "daily", "interval": 1},
        "startsOn": "2030-03-01", "endsOn": "2030-03-03"
    });
    let (first, _) = post_with_key(&app, &base, "/schedules", "s-1", &body).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let (again, replayed) = post_with_key(&app, &base, "/schedules", "s-1", &body).await;
    assert_eq!((again.status, replayed.as_deref()), (201, Some("true")));
    assert_eq!(again.body["id"], first.body["id"]);
    let token = app.token("teacher-1", TENANT, &["training_manager"]);
    assert_eq!(
        app.get("/schedules", &token).await.body["schedules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(classes(&app).await, 3);
}

async fn a_key_older_than_24_hours_is_free_again(db: TestDatabase) {
    let app = spawn_app(db).await;
    let base = app.address.clone();
    let (first, _) = post_with_key(&app, &base, "/live-classes", "old", &class_body("Lab")).await;
    assert_eq!(first.status, 201);
    app.db
        .pool
        .get()
        .unwrap()
        .batch_execute("UPDATE idempotency_keys SET created_at = '2020-01-01 00:00:00'")
        .unwrap();
    let (again, replayed) =
        post_with_key(&app, &base, "/live-classes", "old", &class_body("Other")).await;
    assert_eq!((again.status, replayed), (201, None));
    assert_eq!(classes(&app).await, 2);
}

/// A second server process on the same database.
async fn second_instance(app: &TestApp) -> (String, actix_web::dev::ServerHandle) {
    let vars: HashMap<&str, &str> = [
        ("LIVECLASS_DATABASE_URL", app.db.url.as_str()),
        ("LIVECLASS_BIND", "127.0.0.1:0"),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "2"),
        ("LIVECLASS_DB_POOL_SIZE", "8"),
    ]
    .into_iter()
    .collect();
    let settings = Settings::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap();
    let server = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", server.port());
    let handle = server.handle();
    tokio::spawn(server.run_until_stopped());
    (address, handle)
}

/// Concurrent duplicates, half of them on another server: one class; every
/// answer is the first answer or 409 `idempotency_key_in_progress`.
async fn concurrent_duplicates_across_two_servers_create_one_class(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (other, handle) = second_instance(&app).await;
    let app = std::sync::Arc::new(app);
    let body = class_body("Lab");
    let requests: Vec<_> = (0..10)
        .map(|n| {
            let (app, body) = (app.clone(), body.clone());
            let base = if n % 2 == 0 {
                app.address.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                post_with_key(&app, &base, "/live-classes", "race", &body)
                    .await
                    .0
            })
        })
        .collect();
    let mut ids = Vec::new();
    for r in requests {
        let reply = r.await.unwrap();
        match reply.status {
            201 => ids.push(reply.body["id"].as_str().unwrap().to_owned()),
            409 => assert_eq!(reply.body["code"], "idempotency_key_in_progress"),
            _ => panic!("{reply:?}"),
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(classes(&app).await, 1);
    // Once finished, both servers replay the same answer.
    for base in [app.address.clone(), other] {
        let (reply, replayed) = post_with_key(&app, &base, "/live-classes", "race", &body).await;
        assert_eq!((reply.status, replayed.as_deref()), (201, Some("true")));
        assert_eq!(reply.body["id"], ids[0].as_str());
    }
    handle.stop(false).await;
}

on_both_backends!(
    the_same_key_and_body_create_one_class_and_answer_the_same,
    a_schedule_is_created_once_per_key,
    a_key_older_than_24_hours_is_free_again,
    concurrent_duplicates_across_two_servers_create_one_class,
);
