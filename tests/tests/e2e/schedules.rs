//! Recurring schedules over real HTTP, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use diesel::connection::SimpleConnection;
use liveclass_server::Settings;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const TENANT: &str = "acme";

fn weekly_body() -> Value {
    json!({
        "courseId": "web-dev-ft-2030", "title": "Web Dev live class", "maxParticipants": 120,
        "timezone": "America/New_York", "startTime": "14:00", "durationMinutes": 120,
        "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MO", "WE"]},
        "startsOn": "2030-03-01", "endsOn": "2030-03-31"
    })
}

fn manager(app: &TestApp) -> String {
    app.token("teacher-1", TENANT, &["training_manager"])
}

async fn create(app: &TestApp, body: &Value) -> Value {
    let reply = app.post_json("/schedules", &manager(app), body).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

fn starts(schedule: &Value) -> Vec<String> {
    schedule["upcomingClasses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scheduledAt"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_weekly_schedule_generates_classes_at_local_time(db: TestDatabase) {
    let app = spawn_app(db).await;
    let s = create(&app, &weekly_body()).await;
    assert_eq!(s["generated"]["created"], 8);
    assert_eq!(s["timezone"], "America/New_York");
    assert_eq!(s["recurrence"]["weekdays"], json!(["MO", "WE"]));
    assert_eq!(s["teacherId"], "teacher-1");
    let at = starts(&s);
    // 14:00 in New York: UTC-5 before 2030-03-10, UTC-4 after.
    assert_eq!(
        at,
        [
            "2030-03-04T19:00:00Z",
            "2030-03-06T19:00:00Z",
            "2030-03-11T18:00:00Z",
            "2030-03-13T18:00:00Z",
            "2030-03-18T18:00:00Z",
            "2030-03-20T18:00:00Z",
            "2030-03-25T18:00:00Z",
            "2030-03-27T18:00:00Z"
        ]
    );
    let first = &s["upcomingClasses"][0];
    assert_eq!(first["scheduledEnd"], "2030-03-04T21:00:00Z");
    assert_eq!(first["courseId"], "web-dev-ft-2030");
    assert_eq!(first["scheduleId"], s["id"]);
    assert_eq!(first["createdBy"], "teacher-1");
    assert_eq!(first["maxParticipants"], 120);
    assert_eq!(first["joinHash"].as_str().unwrap().len(), 64);

    let id = s["id"].as_str().unwrap();
    let got = app.get(&format!("/schedules/{id}"), &manager(&app)).await;
    assert_eq!(got.status, 200);
    assert_eq!(starts(&got.body), at);
    assert_eq!(got.body["generated"]["created"], 0);
    let listed = app
        .get("/schedules?courseId=web-dev-ft-2030", &manager(&app))
        .await;
    assert_eq!(listed.body["schedules"].as_array().unwrap().len(), 1);
    let none = app.get("/schedules?courseId=other", &manager(&app)).await;
    assert_eq!(none.body["schedules"], json!([]));
}

async fn changing_a_schedule_moves_only_untouched_future_classes(db: TestDatabase) {
    let app = spawn_app(db).await;
    let s = create(&app, &weekly_body()).await;
    let id = s["id"].as_str().unwrap();
    let live = s["upcomingClasses"][0]["id"].as_str().unwrap().to_owned();
    let started = app
        .post(&format!("/live-classes/{live}/start"), &manager(&app))
        .await;
    assert_eq!(started.status, 200, "{:?}", started.body);

    let patched = app
        .patch_json(
            &format!("/schedules/{id}"),
            &manager(&app),
            &json!({"startTime": "15:00", "endsOn": "2030-03-20"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    assert_eq!(patched.body["startTime"], "15:00");
    assert_eq!(patched.body["generated"]["updated"], 5);
    assert_eq!(patched.body["generated"]["removed"], 2);
    assert_eq!(
        starts(&patched.body),
        [
            "2030-03-04T19:00:00Z", // live: untouched
            "2030-03-06T20:00:00Z",
            "2030-03-11T19:00:00Z",
            "2030-03-13T19:00:00Z",
            "2030-03-18T19:00:00Z",
            "2030-03-20T19:00:00Z"
        ]
    );
    // The same occurrence keeps its id and join hash.
    assert_eq!(
        patched.body["upcomingClasses"][1]["id"],
        s["upcomingClasses"][1]["id"]
    );
    assert_eq!(
        patched.body["upcomingClasses"][1]["joinHash"],
        s["upcomingClasses"][1]["joinHash"]
    );

    let deleted = app
        .delete(&format!("/schedules/{id}"), &manager(&app))
        .await;
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
    assert_eq!(deleted.body["removedClasses"], 5);
    let gone = app.get(&format!("/schedules/{id}"), &manager(&app)).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["code"], "schedule_not_found");
    let still = app
        .get(&format!("/live-classes/{live}"), &manager(&app))
        .await;
    assert_eq!(still.body["status"], "live");
}

async fn schedule_refusals_are_clear(db: TestDatabase) {
    let app = spawn_app(db).await;
    let student = app.token("student-1", TENANT, &["student"]);
    let r = app.post_json("/schedules", &student, &weekly_body()).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(app.get("/schedules", &student).await.status, 403);

    let mut bad = weekly_body();
    bad["timezone"] = json!("Mars/Olympus");
    let r = app.post_json("/schedules", &manager(&app), &bad).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["code"], "validation_failed");
    assert!(r.body["message"].as_str().unwrap().starts_with("timezone"));

    let mut long = weekly_body();
    long["recurrence"] = json!({"frequency": "daily"});
    long["endsOn"] = json!("2032-12-31");
    let r = app.post_json("/schedules", &manager(&app), &long).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("too_many_occurrences"))
    );

    let mut open = weekly_body();
    open["endsOn"] = Value::Null;
    let r = app.post_json("/schedules", &manager(&app), &open).await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().starts_with("endsOn"));

    let r = app.get("/schedules/not-a-uuid", &manager(&app)).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("invalid_id"))
    );

    let s = create(&app, &weekly_body()).await;
    let id = s["id"].as_str().unwrap();
    let stranger = app.token("boss", "other-tenant", &["org_admin"]);
    for r in [
        app.get(&format!("/schedules/{id}"), &stranger).await,
        app.delete(&format!("/schedules/{id}"), &stranger).await,
        app.patch_json(
            &format!("/schedules/{id}"),
            &stranger,
            &json!({"title": "x"}),
        )
        .await,
    ] {
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (404, Some("schedule_not_found"))
        );
    }
    assert_eq!(
        app.get("/schedules", &stranger).await.body["schedules"],
        json!([])
    );
    let r = app
        .patch_json(
            &format!("/schedules/{id}"),
            &manager(&app),
            &json!({"recurrence": {"weekdays": ["XX"]}}),
        )
        .await;
    assert_eq!(r.status, 400);
}

async fn generate_classes_is_idempotent(db: TestDatabase) {
    let url = db.url.clone();
    let app = spawn_app(db).await;
    let s = create(&app, &weekly_body()).await;
    let settings = Settings::from_lookup(|name| match name {
        "LIVECLASS_DATABASE_URL" => Some(url.clone()),
        "LIVECLASS_DEV_MODE" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    for _ in 0..2 {
        let report = liveclass_server::jobs::generate_classes(&settings)
            .await
            .unwrap();
        assert_eq!((report.created, report.updated, report.removed), (0, 0, 0));
    }
    let id = s["id"].as_str().unwrap();
    let got = app.get(&format!("/schedules/{id}"), &manager(&app)).await;
    assert_eq!(got.body["upcomingClasses"].as_array().unwrap().len(), 8);
}

async fn class_lists_filter_by_course_schedule_teacher_and_window(db: TestDatabase) {
    let app = spawn_app(db).await;
    let s = create(&app, &weekly_body()).await;
    let mut other = weekly_body();
    other["courseId"] = json!("data-science");
    other["teacherId"] = json!("teacher-2");
    create(&app, &other).await;
    let student = app.token("student-1", TENANT, &[]);
    let total = |path: String| {
        let app = &app;
        let student = student.clone();
        async move {
            let r = app.get(&path, &student).await;
            assert_eq!(r.status, 200, "{path}: {:?}", r.body);
            r.body["total"].as_u64().unwrap()
        }
    };
    let id = s["id"].as_str().unwrap();
    assert_eq!(total("/live-classes".into()).await, 16);
    assert_eq!(total("/live-classes?courseId=data-science".into()).await, 8);
    assert_eq!(total(format!("/live-classes?scheduleId={id}")).await, 8);
    assert_eq!(total("/live-classes?createdBy=teacher-2".into()).await, 8);
    assert_eq!(
        total(
            "/live-classes?from=2030-03-11T18:00:00Z&to=2030-03-13T18:00:00Z&courseId=web-dev-ft-2030"
                .into()
        )
        .await,
        2
    );
    assert_eq!(
        total("/live-classes?upcoming=true&status=scheduled".into()).await,
        16
    );
    let latest = app
        .get("/live-classes?sort=-scheduledAt&limit=1", &student)
        .await;
    assert_eq!(
        latest.body["liveClasses"][0]["scheduledAt"],
        "2030-03-27T18:00:00Z"
    );
    for bad in [
        "from=yesterday",
        "scheduleId=nope",
        "sort=title",
        "upcoming=maybe",
        "from=2030-03-02T00:00:00Z&to=2030-03-01T00:00:00Z",
    ] {
        let r = app.get(&format!("/live-classes?{bad}"), &student).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (400, Some("validation_failed")),
            "{bad}"
        );
    }
}

/// A `POST /schedules` that died after storing the schedule and before
/// writing its classes (the half state, written with SQL) is completed by
/// the generation worker, each class once.
async fn an_interrupted_schedule_creation_is_completed_once_by_the_worker(db: TestDatabase) {
    let app = spawn_app_with(
        db,
        &[("LIVECLASS_SCHEDULE_GENERATION_INTERVAL_SECONDS", "1")],
    )
    .await;
    let done = create(&app, &weekly_body()).await;
    let crashed = "00000000-0000-4000-8000-00000000c0de";
    let mut conn = app.db.pool.get().unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO schedules (id, tenant_id, course_id, title, teacher_id, max_participants, \
           timezone, start_time, duration_minutes, frequency, interval_count, weekdays, \
           starts_on, ends_on, created_by, created_at, updated_at, generation_due_at) \
         SELECT '{crashed}', tenant_id, 'crashed-course', title, teacher_id, max_participants, \
           timezone, start_time, duration_minutes, frequency, interval_count, weekdays, \
           starts_on, ends_on, created_by, created_at, updated_at, '2020-01-01 00:00:00' \
         FROM schedules WHERE id = '{}'",
        done["id"].as_str().unwrap()
    ))
    .unwrap();
    drop(conn);

    let path = format!("/live-classes?scheduleId={crashed}&limit=100");
    let mut count = 0;
    for _ in 0..100 {
        let listed = app.get(&path, &manager(&app)).await;
        assert_eq!(listed.status, 200, "{:?}", listed.body);
        count = listed.body["liveClasses"].as_array().unwrap().len();
        if count == 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count, 8);
    // Later passes find nothing left to do.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let listed = app.get(&path, &manager(&app)).await;
    assert_eq!(listed.body["liveClasses"].as_array().unwrap().len(), 8);
    assert_eq!(listed.body["total"], 8);
    let got = app
        .get(&format!("/schedules/{crashed}"), &manager(&app))
        .await;
    assert_eq!(got.body["upcomingClasses"].as_array().unwrap().len(), 8);
    assert_eq!(got.body["upcomingClasses"][0]["courseId"], "crashed-course");
}

on_both_backends!(
    an_interrupted_schedule_creation_is_completed_once_by_the_worker,
    class_lists_filter_by_course_schedule_teacher_and_window,
    a_weekly_schedule_generates_classes_at_local_time,
    changing_a_schedule_moves_only_untouched_future_classes,
    schedule_refusals_are_clear,
    generate_classes_is_idempotent,
);
