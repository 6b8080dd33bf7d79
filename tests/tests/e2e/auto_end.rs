//! The auto-end worker in a running server, on both backends, with the
//! server's clock moved by the test (no SQL, no waiting for real time).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use liveclass_domain::clock::FixedClock;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{on_both_backends, spawn_app_at};
use serde_json::json;
use time::macros::datetime;

async fn an_overdue_live_class_is_ended_by_the_worker(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:55 UTC)));
    let app = spawn_app_at(
        db,
        &[
            ("LIVECLASS_AUTO_END_INTERVAL_SECONDS", "1"),
            ("LIVECLASS_AUTO_END_AFTER_MINUTES", "30"),
        ],
        clock.clone(),
    )
    .await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let student = app.token("student-1", "acme", &[]);
    // One class planned 14:00–15:00 (from a schedule, so it has an end) …
    let schedule = app
        .post_json(
            "/schedules",
            &teacher,
            &json!({"courseId": "lab", "title": "Lab", "timezone": "UTC",
                    "startTime": "14:00", "durationMinutes": 60,
                    "recurrence": {"frequency": "once"}, "startsOn": "2030-03-04"}),
        )
        .await;
    assert_eq!(schedule.status, 201, "{:?}", schedule.body);
    let planned = schedule.body["upcomingClasses"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // … and one with no planned end.
    let unplanned = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Open lab", "scheduledAt": "2030-03-04T14:00:00Z"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for id in [&planned, &unplanned] {
        let started = app
            .post(&format!("/live-classes/{id}/start"), &teacher)
            .await;
        assert_eq!(started.status, 200, "{:?}", started.body);
    }
    let joined = app
        .post(&format!("/live-classes/{planned}/join"), &student)
        .await;
    assert_eq!(joined.status, 200);

    // 29 minutes past the planned end: not yet overdue.
    clock.advance(time::Duration::minutes(65 + 29));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let early = app.get(&format!("/live-classes/{planned}"), &teacher).await;
    assert_eq!(early.body["status"], "live");

    // Past 30 minutes: the next pass ends it, as the teacher's end would.
    clock.advance(time::Duration::minutes(2));
    let mut status = String::new();
    for _ in 0..50 {
        let c = app.get(&format!("/live-classes/{planned}"), &teacher).await;
        status = c.body["status"].as_str().unwrap().to_owned();
        if status == "ended" {
            assert_eq!(c.body["endedAt"], "2030-03-04T15:31:00Z");
            assert_eq!(c.body["participants"][0]["leftAt"], "2030-03-04T15:31:00Z");
            assert_eq!(c.body["activeParticipants"], 0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "ended");
    let other = app
        .get(&format!("/live-classes/{unplanned}"), &teacher)
        .await;
    assert_eq!(other.body["status"], "live");
}

on_both_backends!(an_overdue_live_class_is_ended_by_the_worker);
