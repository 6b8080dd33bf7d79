//! The auto-end worker in a running server, on both backends.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use diesel::connection::SimpleConnection;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{on_both_backends, spawn_app_with};
use serde_json::json;

async fn an_overdue_live_class_is_ended_by_the_worker(db: TestDatabase) {
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_AUTO_END_INTERVAL_SECONDS", "1"),
            ("LIVECLASS_AUTO_END_AFTER_MINUTES", "30"),
        ],
    )
    .await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let student = app.token("student-1", "acme", &[]);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let c = app
            .post_json(
                "/live-classes",
                &teacher,
                &json!({"title": "Lab", "scheduledAt": "2030-01-01T10:00:00Z"}),
            )
            .await;
        let id = c.body["id"].as_str().unwrap().to_owned();
        assert_eq!(
            app.post(&format!("/live-classes/{id}/start"), &teacher)
                .await
                .status,
            200
        );
        ids.push(id);
    }
    assert_eq!(
        app.post(&format!("/live-classes/{}/join", ids[0]), &student)
            .await
            .status,
        200
    );
    // The first class was planned to end long ago; the second has no end.
    let mut conn = app.db.pool.get().unwrap();
    conn.batch_execute(&format!(
        "UPDATE live_classes SET scheduled_end = '2020-01-01 00:00:00' WHERE id = '{}'",
        ids[0]
    ))
    .unwrap();
    drop(conn);

    let mut status = String::new();
    for _ in 0..50 {
        let c = app
            .get(&format!("/live-classes/{}", ids[0]), &teacher)
            .await;
        status = c.body["status"].as_str().unwrap().to_owned();
        if status == "ended" {
            assert!(c.body["participants"][0]["leftAt"].is_string());
            assert_eq!(c.body["activeParticipants"], 0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "ended");
    let other = app
        .get(&format!("/live-classes/{}", ids[1]), &teacher)
        .await;
    assert_eq!(other.body["status"], "live");
}

on_both_backends!(an_overdue_live_class_is_ended_by_the_worker);
