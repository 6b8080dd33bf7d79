//! Join links over real HTTP, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const TENANT: &str = "acme";

/// A class created through the API, starting `minutes` from now.
async fn class_in(app: &TestApp, token: &str, minutes: i64, capacity: u32) -> Value {
    let at = OffsetDateTime::now_utc() + Duration::minutes(minutes);
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({
                "title": "Office hours",
                "scheduledAt": at.format(&Rfc3339).unwrap(),
                "maxParticipants": capacity
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

async fn follow(app: &TestApp, hash: &str, token: &str) -> (u16, Option<String>, Value) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(app.url(&format!("/join/{hash}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = response.json().await.unwrap();
    (status, location, body)
}

async fn a_join_link_counts_down_starts_joins_and_closes(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let class = class_in(&app, &teacher, 10, 5).await;
    let hash = class["joinHash"].as_str().unwrap();
    let id = class["id"].as_str().unwrap();

    let (status, _, body) = follow(&app, hash, &student).await;
    assert_eq!(status, 200, "{body:?}");
    let wait = body["secondsUntilStart"].as_i64().unwrap();
    assert!((500..=600).contains(&wait), "{wait}");
    assert_eq!(body["liveClass"]["status"], "scheduled");

    // The teacher, 10 minutes early (inside the 15-minute window), starts it.
    let (status, location, body) = follow(&app, hash, &teacher).await;
    assert_eq!(status, 302, "{body:?}");
    assert_eq!(location.as_deref(), class["joinUrl"].as_str());
    assert_eq!(body["role"], "teacher");
    let now = app.get(&format!("/live-classes/{id}"), &student).await;
    assert_eq!(now.body["status"], "live");

    let (status, _, body) = follow(&app, hash, &student).await;
    assert_eq!(status, 302);
    assert_eq!(body["role"], "participant");
    // Following again is idempotent, like POST …/join.
    let (status, _, body) = follow(&app, hash, &student).await;
    assert_eq!((status, body["alreadyJoined"].as_bool()), (302, Some(true)));
    let now = app.get(&format!("/live-classes/{id}"), &student).await;
    assert_eq!(now.body["activeParticipants"], 2);

    let ended = app.post(&format!("/live-classes/{id}/end"), &teacher).await;
    assert_eq!(ended.status, 200);
    let (status, _, body) = follow(&app, hash, &student).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("class_ended")));
}

async fn join_link_refusals(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let student2 = app.token("student-2", TENANT, &[]);
    let later = class_in(&app, &teacher, 60, 2).await;
    let hash = later["joinHash"].as_str().unwrap();
    // An hour early, even the teacher only gets the countdown.
    let (status, _, body) = follow(&app, hash, &teacher).await;
    assert_eq!(
        (status, body["liveClass"]["status"].as_str()),
        (200, Some("scheduled"))
    );

    let stranger = app.token("x", "other-tenant", &["org_admin"]);
    for (h, token) in [(hash, &stranger), ("not-a-hash", &student)] {
        let (status, _, body) = follow(&app, h, token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("join_link_not_found"))
        );
    }
    let (status, _, body) = follow(&app, hash, "garbage").await;
    assert_eq!((status, body["code"].as_str().is_some()), (401, true));

    let soon = class_in(&app, &teacher, 5, 2).await;
    let hash = soon["joinHash"].as_str().unwrap();
    assert_eq!(follow(&app, hash, &teacher).await.0, 302);
    assert_eq!(follow(&app, hash, &student).await.0, 302);
    let (status, _, body) = follow(&app, hash, &student2).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("class_full")));
}

on_both_backends!(
    a_join_link_counts_down_starts_joins_and_closes,
    join_link_refusals,
);
