//! Staff-recorded start and end times over real HTTP, on both backends.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, TestApp, on_both_backends, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const TENANT: &str = "acme";

fn at(offset: Duration) -> String {
    (OffsetDateTime::now_utc() + offset)
        .format(&Rfc3339)
        .unwrap()
}

async fn class(app: &TestApp, token: &str) -> String {
    let r = app
        .post_json(
            "/live-classes",
            token,
            &json!({"title": "Lab", "scheduledAt": at(Duration::minutes(1))}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn put(app: &TestApp, id: &str, token: &str, body: &Value) -> Reply {
    app.send(
        app.client
            .put(app.url(&format!("/live-classes/{id}/actual-times")))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

fn code(r: &Reply) -> (u16, Option<&str>) {
    (r.status, r.body["code"].as_str())
}

async fn recorded_times_follow_the_seed_rules(db: TestDatabase) {
    let app = spawn_app(db).await;
    let staff = app.token("manager-1", TENANT, &["org_admin"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = class(&app, &staff).await;

    let r = put(
        &app,
        &id,
        &student,
        &json!({"startedAt": at(Duration::ZERO)}),
    )
    .await;
    assert_eq!(code(&r), (403, Some("forbidden")));
    let r = put(&app, &id, &staff, &json!({"endedAt": at(Duration::ZERO)})).await;
    assert_eq!(code(&r), (400, Some("started_at_not_set")));
    let both = json!({"startedAt": at(Duration::ZERO), "endedAt": at(Duration::ZERO)});
    assert_eq!(
        code(&put(&app, &id, &staff, &both).await),
        (400, Some("one_field_at_a_time"))
    );
    let r = put(
        &app,
        &id,
        &staff,
        &json!({"startedAt": at(Duration::minutes(-5))}),
    )
    .await;
    assert_eq!(code(&r), (400, Some("started_at_not_now")));

    let r = put(&app, &id, &staff, &json!({"startedAt": at(Duration::ZERO)})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "live");
    let r = put(&app, &id, &staff, &json!({"startedAt": at(Duration::ZERO)})).await;
    assert_eq!(code(&r), (400, Some("started_at_already_set")));

    let r = put(
        &app,
        &id,
        &staff,
        &json!({"endedAt": at(Duration::minutes(1))}),
    )
    .await;
    assert_eq!(code(&r), (400, Some("ended_at_too_soon")));
    let r = put(
        &app,
        &id,
        &staff,
        &json!({"endedAt": at(Duration::minutes(-1))}),
    )
    .await;
    assert_eq!(code(&r), (400, Some("ended_at_before_started_at")));
}

async fn a_recorded_end_closes_participations_like_a_teachers_end(db: TestDatabase) {
    let app = spawn_app_with(db, &[("LIVECLASS_MIN_CLASS_MINUTES", "0")]).await;
    let staff = app.token("manager-1", TENANT, &["org_admin"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = class(&app, &staff).await;
    let started = at(Duration::seconds(-30));
    assert_eq!(
        put(&app, &id, &staff, &json!({"startedAt": started}))
            .await
            .status,
        200
    );
    let joined = app
        .post(&format!("/live-classes/{id}/join"), &student)
        .await;
    assert_eq!(joined.status, 200, "{:?}", joined.body);

    let ended_at = at(Duration::ZERO);
    let r = put(&app, &id, &staff, &json!({"endedAt": ended_at})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "ended");
    assert_eq!(r.body["activeParticipants"], 0);
    let details = app.get(&format!("/live-classes/{id}"), &staff).await;
    let stays = details.body["participants"].as_array().unwrap();
    assert_eq!(stays.len(), 1);
    assert!(stays[0]["leftAt"].is_string());
    let r = put(&app, &id, &staff, &json!({"endedAt": at(Duration::ZERO)})).await;
    assert_eq!(code(&r), (400, Some("ended_at_already_set")));
    let r = put(&app, "not-a-uuid", &staff, &json!({"endedAt": ended_at})).await;
    assert_eq!(code(&r), (400, Some("invalid_id")));
}

on_both_backends!(
    recorded_times_follow_the_seed_rules,
    a_recorded_end_closes_participations_like_a_teachers_end,
);
