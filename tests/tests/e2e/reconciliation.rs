//! Reconciling a class's attendance with the video provider's own report,
//! through the real server and its worker, on both backends: a Zoom class
//! (Zoom's API on wiremock) whose report adds time LiveClass's own leave
//! missed and names a user of no class, fetched once after the settle
//! time, then `final` with `attendance.finalized`; and a class on a
//! provider without such a report, made final as `unsupported`.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use liveclass_domain::clock::{Clock, FixedClock};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_at};
use serde_json::{Value, json};
use time::macros::datetime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MEETING: &str = "85746065432";

/// Zoom's API: a token, the class's meeting, its end, and its
/// participants report (expected to be read `reports` times).
async fn zoom_api(reports: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "zoom-access", "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/users/me/meetings"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 85_746_065_432_i64, "topic": "Lab", "type": 2,
            "join_url": "https://zoom.us/j/85746065432",
            "start_url": "https://zoom.us/s/85746065432?zak=fresh",
        })))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/v2/meetings/{MEETING}/status")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let row = |id: &str, key: &str, join: &str, leave: &str| {
        json!({"id": id, "user_id": "16778240", "name": format!("{id} in Zoom"), "user_email": "",
               "join_time": join, "leave_time": leave, "duration": 0, "customer_key": key})
    };
    Mock::given(method("GET"))
        .and(path(format!("/v2/report/meetings/{MEETING}/participants")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "page_count": 1, "page_size": 300, "total_records": 2, "next_page_token": "",
            "participants": [
                // Ada stayed until 14:50; LiveClass saw her leave at 14:20.
                row("zp-ada", "ada", "2030-03-04T14:02:00Z", "2030-03-04T14:50:00Z"),
                // Somebody of no class: maps to nobody.
                row("zp-x", "stranger-9", "2030-03-04T14:00:00Z", "2030-03-04T15:00:00Z"),
            ]
        })))
        .expect(reports)
        .mount(&server)
        .await;
    server
}

fn move_to(clock: &FixedClock, at: time::OffsetDateTime) {
    clock.advance(at - clock.now());
}

/// Starts the app on `db` with the reconciliation worker every second,
/// two minutes after a class's end.
async fn app(db: TestDatabase, clock: Arc<FixedClock>, zoom: Option<&MockServer>) -> TestApp {
    let (api, oauth) = zoom.map_or((String::new(), String::new()), |z| {
        (
            format!("{}/v2", z.uri()),
            format!("{}/oauth/token", z.uri()),
        )
    });
    let mut env = vec![
        ("LIVECLASS_ATTENDANCE_RECONCILE_AFTER_SECONDS", "120"),
        ("LIVECLASS_ATTENDANCE_RECONCILE_INTERVAL_SECONDS", "1"),
    ];
    if zoom.is_some() {
        env.extend([
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "csecret"),
            ("ZOOM_API_URL", api.as_str()),
            ("ZOOM_OAUTH_URL", oauth.as_str()),
        ]);
    }
    spawn_app_at(db, &env, clock).await
}

/// A class started at 14:00 and ended at 15:00, Ada in from 14:02 to
/// 14:20; returns its path.
async fn a_class_that_ran(app: &TestApp, clock: &FixedClock, teacher: &str, ada: &str) -> String {
    let created = app
        .post_json(
            "/live-classes",
            teacher,
            &json!({"title": "Lab", "scheduledAt": "2030-03-04T14:00:00Z", "maxParticipants": 10}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let class = format!("/live-classes/{}", created.body["id"].as_str().unwrap());
    move_to(clock, datetime!(2030-03-04 14:00 UTC));
    assert_eq!(
        app.post(&format!("{class}/start"), teacher).await.status,
        200
    );
    move_to(clock, datetime!(2030-03-04 14:02 UTC));
    assert_eq!(app.post(&format!("{class}/join"), ada).await.status, 200);
    move_to(clock, datetime!(2030-03-04 14:20 UTC));
    assert_eq!(app.post(&format!("{class}/leave"), ada).await.status, 200);
    move_to(clock, datetime!(2030-03-04 15:00 UTC));
    assert_eq!(app.post(&format!("{class}/end"), teacher).await.status, 200);
    class
}

fn ada(report: &Value) -> &Value {
    report["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["userId"] == "ada")
        .unwrap()
}

async fn events_of(app: &TestApp, class: &str, token: &str, kind: &str) -> Vec<Value> {
    let page = app.get(&format!("{class}/events?limit=1000"), token).await;
    page.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .cloned()
        .collect()
}

async fn the_providers_report_is_merged_once_and_makes_the_attendance_final(db: TestDatabase) {
    let zoom = zoom_api(1).await;
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:50 UTC)));
    let app = app(db, clock.clone(), Some(&zoom)).await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let ada_token = app.token("ada", "acme", &[]);
    let class = a_class_that_ran(&app, &clock, &teacher, &ada_token).await;
    let path = format!("{class}/attendance");

    // Ended, not reconciled: provisional, and so says `class.ended`.
    let report = app.get(&path, &teacher).await;
    assert_eq!(report.body["state"], "provisional", "{}", report.body);
    assert_eq!(report.body["reconciliation"]["status"], "pending");
    assert_eq!(ada(&report.body)["secondsPresent"], 18 * 60);
    let ended = app
        .eventually(&format!("{class}/events?limit=1000"), &teacher, |p| {
            p["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["type"] == "class.ended")
        })
        .await;
    let ended = ended["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "class.ended")
        .unwrap()
        .clone();
    assert_eq!(ended["data"]["attendance"], "provisional");

    // Within the settle time nothing is fetched; after it, once.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(app.get(&path, &teacher).await.body["state"], "provisional");
    move_to(&clock, datetime!(2030-03-04 15:02:01 UTC));
    let report = app
        .eventually(&path, &teacher, |r| r["state"] == "final")
        .await;
    let r = &report["reconciliation"];
    assert_eq!(
        (
            &r["status"],
            &r["providerReport"],
            &r["providerRows"],
            &r["attempts"]
        ),
        (&json!("final"), &json!("fetched"), &json!(2), &json!(0))
    );
    assert_eq!(r["finalizedAt"], "2030-03-04T15:02:01Z");
    let a = ada(&report);
    assert_eq!(
        a["secondsPresent"],
        48 * 60,
        "the provider saw her until 14:50"
    );
    assert_eq!(a["sources"], json!(["app", "provider"]));
    assert!(
        report["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["userId"] != "stranger-9"),
        "a report row of no class's user counts for nobody"
    );
    let finalized = app
        .eventually(&format!("{class}/events?limit=1000"), &teacher, |p| {
            p["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["type"] == "attendance.finalized")
        })
        .await;
    let event = finalized["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "attendance.finalized")
        .unwrap()
        .clone();
    assert_eq!(
        event["data"]["attendance"],
        json!({"state": "final", "providerReport": "fetched", "providerRows": 2,
               "durationSeconds": 3600, "attended": 2, "present": 1, "late": 0,
               "leftEarly": 1, "absent": 0})
    );

    // Later passes change nothing: one fetch (wiremock checks), one event.
    move_to(&clock, datetime!(2030-03-04 18:00 UTC));
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        events_of(&app, &class, &teacher, "attendance.finalized")
            .await
            .len(),
        1
    );
    assert_eq!(
        ada(&app.get(&path, &teacher).await.body)["secondsPresent"],
        48 * 60
    );
}

async fn a_provider_without_a_report_makes_the_attendance_final_as_unsupported(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:50 UTC)));
    let app = app(db, clock.clone(), None).await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let ada_token = app.token("ada", "acme", &[]);
    let class = a_class_that_ran(&app, &clock, &teacher, &ada_token).await;
    move_to(&clock, datetime!(2030-03-04 15:02:01 UTC));
    let report = app
        .eventually(&format!("{class}/attendance"), &teacher, |r| {
            r["state"] == "final"
        })
        .await;
    assert_eq!(report["reconciliation"]["providerReport"], "unsupported");
    assert_eq!(ada(&report)["secondsPresent"], 18 * 60);
    assert_eq!(ada(&report)["sources"], json!(["app"]));
}

on_both_backends!(
    the_providers_report_is_merged_once_and_makes_the_attendance_final,
    a_provider_without_a_report_makes_the_attendance_final_as_unsupported,
);
