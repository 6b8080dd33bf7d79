//! iCalendar feeds over real HTTP, parsed with a real iCalendar parser, on
//! both backends.

#![allow(clippy::unwrap_used)]

use diesel::connection::SimpleConnection;
use icalendar::parser::{read_calendar, unfold};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

/// One parsed VEVENT: its properties by name.
type Event = std::collections::HashMap<String, String>;

async fn feed(app: &TestApp, path: &str) -> (u16, Vec<Event>, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    if status != 200 {
        return (status, Vec::new(), text);
    }
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    let unfolded = unfold(&text);
    let calendar = read_calendar(&unfolded).unwrap();
    assert!(
        calendar
            .properties
            .iter()
            .any(|p| p.name.as_str() == "VERSION" && p.val.as_str() == "2.0")
    );
    let events = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| {
            c.properties
                .iter()
                .map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned()))
                .collect()
        })
        .collect();
    (status, events, text)
}

fn body() -> Value {
    json!({
        "courseId": "web-dev-ft-2030", "title": "Web Dev live class",
        "timezone": "America/New_York", "startTime": "14:00", "durationMinutes": 120,
        "recurrence": {"frequency": "weekly", "weekdays": ["MO", "WE"]},
        "startsOn": "2030-03-01", "endsOn": "2030-03-31"
    })
}

async fn course_and_user_feeds_are_valid_icalendar_and_track_changes(db: TestDatabase) {
    let app = spawn_app(db).await;
    let manager = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let schedule = app.post_json("/schedules", &manager, &body()).await;
    assert_eq!(schedule.status, 201);
    let classes = schedule.body["upcomingClasses"].as_array().unwrap().clone();

    let issued = app.post("/calendar/tokens", &student).await;
    assert_eq!(issued.status, 201, "{:?}", issued.body);
    let token = issued.body["token"].as_str().unwrap().to_owned();
    assert!(
        issued.body["myFeedUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/calendar/me.ics?token={token}"))
    );
    let course_path = format!("/calendar/courses/web-dev-ft-2030.ics?token={token}");
    let (status, events, _) = feed(&app, &course_path).await;
    assert_eq!(status, 200);
    assert_eq!(events.len(), 8);
    let first = &events[0];
    assert_eq!(
        first["UID"],
        format!("{}@liveclass", classes[0]["id"].as_str().unwrap())
    );
    assert_eq!(first["DTSTART"], "20300304T190000Z");
    assert_eq!(first["DTEND"], "20300304T210000Z");
    assert_eq!(first["SEQUENCE"], "0");
    assert_eq!(first["STATUS"], "CONFIRMED");
    assert_eq!(first["SUMMARY"], "Web Dev live class");
    let hash = classes[0]["joinHash"].as_str().unwrap();
    assert!(
        first["DESCRIPTION"].contains(&format!("/join/{hash}")),
        "{first:?}"
    );

    // Moving the schedule keeps the UIDs and bumps SEQUENCE.
    let id = schedule.body["id"].as_str().unwrap();
    let moved = app
        .patch_json(
            &format!("/schedules/{id}"),
            &manager,
            &json!({"startTime": "15:00"}),
        )
        .await;
    assert_eq!(moved.status, 200);
    // A cancelled class shows as cancelled.
    let cancelled = classes[7]["id"].as_str().unwrap();
    let mut conn = app.db.pool.get().unwrap();
    conn.batch_execute(&format!(
        "UPDATE live_classes SET status = 'cancelled' WHERE id = '{cancelled}'"
    ))
    .unwrap();
    drop(conn);
    let (_, after, _) = feed(&app, &course_path).await;
    assert_eq!(after.len(), 8);
    assert_eq!(after[0]["UID"], first["UID"]);
    assert_eq!(after[0]["DTSTART"], "20300304T200000Z");
    assert_eq!(after[0]["SEQUENCE"], "1");
    assert_eq!(after[7]["STATUS"], "CANCELLED");

    // The teacher's own feed lists the classes they teach; the student's none.
    let teacher_token = app.post("/calendar/tokens", &manager).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, mine, _) = feed(&app, &format!("/calendar/me.ics?token={teacher_token}")).await;
    assert_eq!(mine.len(), 8);
    let (_, none, _) = feed(&app, &format!("/calendar/me.ics?token={token}")).await;
    assert!(none.is_empty());

    // Another tenant's token sees nothing of this tenant's course.
    let stranger = app.token("x", "other-tenant", &[]);
    let other = app.post("/calendar/tokens", &stranger).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, theirs, _) = feed(
        &app,
        &format!("/calendar/courses/web-dev-ft-2030.ics?token={other}"),
    )
    .await;
    assert!(theirs.is_empty());

    // Revocation closes the feed at once.
    let revoked = app
        .send(
            app.client
                .delete(app.url("/calendar/tokens"))
                .bearer_auth(&student),
        )
        .await;
    assert_eq!(
        (revoked.status, revoked.body["revoked"].as_u64()),
        (200, Some(1))
    );
    let (status, _, text) = feed(&app, &course_path).await;
    assert_eq!(status, 404);
    let error: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(error["code"], "calendar_not_found");
    let (status, _, _) = feed(&app, "/calendar/me.ics?token=guess").await;
    assert_eq!(status, 404);
    let (status, _, _) = feed(&app, "/calendar/me.ics").await;
    assert_eq!(status, 400);
}

on_both_backends!(course_and_user_feeds_are_valid_icalendar_and_track_changes);
