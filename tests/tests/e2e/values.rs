//! Values the API accepts are values it can store, render and read back
//! (issue 9), and another tenant's resource is 404 whatever the caller's
//! role: over real HTTP, on both backends.

#![allow(clippy::unwrap_used)]

use diesel::connection::SimpleConnection;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";
const OTHER: &str = "globex";

fn code(r: &Reply) -> (u16, Option<&str>) {
    (r.status, r.body["code"].as_str())
}

fn message(r: &Reply) -> &str {
    r.body["message"].as_str().unwrap_or_default()
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.post_json("/live-classes", token, body).await
}

/// Every refusal is a 400 `validation_failed` that names the field; never a
/// 500 (PostgreSQL refuses NUL in text, SQLite stores it).
async fn refused_values_are_400_naming_the_field(db: TestDatabase) {
    let app = spawn_app(db).await;
    let staff = app.token("manager-1", TENANT, &["training_manager"]);
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"title": "a\u{0}b", "scheduledAt": "2030-01-01T10:00:00Z"}),
            "title:",
        ),
        (
            json!({"title": "a\u{1b}b", "scheduledAt": "2030-01-01T10:00:00Z"}),
            "title:",
        ),
        (
            json!({"title": "t", "description": "x\u{0}y", "scheduledAt": "2030-01-01T10:00:00Z"}),
            "description:",
        ),
        (
            json!({"title": "t", "scheduledAt": "1969-12-31T23:59:59Z"}),
            "scheduledAt:",
        ),
        (
            json!({"title": "t", "scheduledAt": "9999-01-01T00:00:00Z"}),
            "scheduledAt:",
        ),
        (
            json!({"title": "t", "scheduledAt": "9998-12-31T23:30:00-01:00"}),
            "scheduledAt:",
        ),
        (
            json!({"title": "t", "scheduledAt": "9999-12-31T23:59:59-23:59"}),
            "scheduledAt:",
        ),
        (
            json!({"title": "t", "scheduledAt": "0000-01-01T00:00:00+01:00"}),
            "scheduledAt:",
        ),
    ];
    for (body, field) in &cases {
        let r = create(&app, &staff, body).await;
        assert_eq!(
            code(&r),
            (400, Some("validation_failed")),
            "{body}: {:?}",
            r.body
        );
        assert!(message(&r).starts_with(field), "{body}: {:?}", r.body);
    }

    // Line breaks and tabs are fine in a description; `323.0` is an integer.
    let r = create(
        &app,
        &staff,
        &json!({"title": "Lab", "description": "line 1\nline\t2",
                "scheduledAt": "2030-01-01T10:00:00+02:00", "maxParticipants": 323.0}),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["maxParticipants"], 323);
    assert_eq!(r.body["description"], "line 1\nline\t2");
    assert_eq!(r.body["scheduledAt"], "2030-01-01T08:00:00Z");
    let id = r.body["id"].as_str().unwrap().to_owned();

    let r = app
        .patch_json(
            &format!("/live-classes/{id}"),
            &staff,
            &json!({"scheduledAt": "1960-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(code(&r), (400, Some("validation_failed")), "{:?}", r.body);
    assert!(message(&r).starts_with("scheduledAt:"), "{:?}", r.body);
    let r = app
        .patch_json(
            &format!("/live-classes/{id}"),
            &staff,
            &json!({"title": "x\u{0}"}),
        )
        .await;
    assert_eq!(code(&r), (400, Some("validation_failed")), "{:?}", r.body);

    for (query, field) in [
        ("from=1969-12-31T23:59:59Z", "from:"),
        ("to=9999-06-01T00:00:00Z", "to:"),
        ("from=1970-01-01T00:30:00%2B01:00", "from:"),
    ] {
        let r = app.get(&format!("/live-classes?{query}"), &staff).await;
        assert_eq!(
            code(&r),
            (400, Some("validation_failed")),
            "{query}: {:?}",
            r.body
        );
        assert!(message(&r).starts_with(field), "{query}: {:?}", r.body);
    }

    let r = app
        .send(
            app.client
                .put(app.url(&format!("/live-classes/{id}/actual-times")))
                .bearer_auth(&staff)
                .json(&json!({"startedAt": "1900-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(code(&r), (400, Some("validation_failed")), "{:?}", r.body);
    assert!(message(&r).starts_with("startedAt:"), "{:?}", r.body);

    let schedule = json!({"courseId": "c1", "title": "Weekly", "timezone": "UTC",
        "startTime": "10:00", "durationMinutes": 60,
        "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MO"]},
        "startsOn": "1969-12-01", "endsOn": "1970-02-01"});
    let r = app.post_json("/schedules", &staff, &schedule).await;
    assert_eq!(code(&r), (400, Some("validation_failed")), "{:?}", r.body);
    assert!(message(&r).starts_with("startsOn:"), "{:?}", r.body);

    // Trailing data after the JSON value.
    let r = app
        .send(
            app.client
                .post(app.url("/live-classes"))
                .bearer_auth(&staff)
                .header("content-type", "application/json")
                .body(r#"{"title": "t", "scheduledAt": "2030-01-01T10:00:00Z"} {"x": 1}"#),
        )
        .await;
    assert_eq!(code(&r), (400, Some("invalid_body")), "{:?}", r.body);
}

async fn recording_urls_take_https_http_or_s3_only(db: TestDatabase) {
    let app = spawn_app(db).await;
    let staff = app.token("manager-1", TENANT, &["training_manager"]);
    let r = create(
        &app,
        &staff,
        &json!({"title": "t", "scheduledAt": "2030-01-01T10:00:00Z"}),
    )
    .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    for url in [
        "javascript:alert(1)".to_owned(),
        "javascript://x/%0aalert(1)".to_owned(),
        "file:///etc/passwd".to_owned(),
        "ftp://example.com/r.mp4".to_owned(),
        format!("https://example.com/{}", "a".repeat(2048)),
    ] {
        let r = app
            .post_json(
                &format!("/live-classes/{id}/recording"),
                &staff,
                &json!({"recordingUrl": url}),
            )
            .await;
        assert_eq!(
            code(&r),
            (400, Some("validation_failed")),
            "{url}: {:?}",
            r.body
        );
        assert!(message(&r).starts_with("recordingUrl:"), "{:?}", r.body);
    }
}

/// A row holding an instant outside the supported range, or a value the
/// database driver cannot even decode (both written behind the service's
/// back), is left out of lists, which still answer.
async fn an_unreadable_row_does_not_take_down_a_list(db: TestDatabase) {
    let undecodable = if db.url.starts_with("postgres") {
        // PostgreSQL stores it; the driver's time type stops at year 9999.
        "10000-01-01 00:00:00"
    } else {
        "not a time"
    };
    let app = spawn_app(db).await;
    let staff = app.token("manager-1", TENANT, &["training_manager"]);
    let mut ids = Vec::new();
    for hour in [10, 11, 12] {
        let r = create(
            &app,
            &staff,
            &json!({"title": "t", "scheduledAt": format!("2030-01-01T{hour}:00:00Z")}),
        )
        .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let mut conn = app.db.pool.get().unwrap();
    conn.batch_execute(&format!(
        "UPDATE live_classes SET scheduled_at = '9999-12-31 23:30:00' WHERE id = '{}'",
        ids[0]
    ))
    .unwrap();
    let listed = |r: &liveclass_tests::Reply| -> Vec<String> {
        r.body["liveClasses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app.get("/live-classes", &staff).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(listed(&r), vec![ids[1].clone(), ids[2].clone()]);

    conn.batch_execute(&format!(
        "UPDATE live_classes SET scheduled_at = '{undecodable}' WHERE id = '{}'",
        ids[2]
    ))
    .unwrap();
    drop(conn);
    let r = app.get("/live-classes", &staff).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(listed(&r), vec![ids[1].clone()]);
}

/// Every route with an id in its path answers 404 to a student and to a
/// manager of another tenant.
async fn another_tenants_resources_are_404_for_every_role(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.token("manager-1", TENANT, &["training_manager"]);
    let r = create(
        &app,
        &owner,
        &json!({"title": "t", "scheduledAt": "2030-01-01T10:00:00Z"}),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let class = r.body["id"].as_str().unwrap().to_owned();
    let hash = r.body["joinHash"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            "/schedules",
            &owner,
            &json!({"courseId": "c1", "title": "Weekly", "timezone": "UTC",
                "startTime": "10:00", "durationMinutes": 60,
                "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MO"]},
                "startsOn": "2030-01-01", "endsOn": "2030-02-01"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let schedule = r.body["id"].as_str().unwrap().to_owned();

    let student = app.token("student-9", OTHER, &[]);
    let manager = app.token("manager-9", OTHER, &["training_manager", "org_admin"]);
    for (who, token) in [("student", &student), ("manager", &manager)] {
        let c = |suffix: &str| app.url(&format!("/live-classes/{class}{suffix}"));
        let s = app.url(&format!("/schedules/{schedule}"));
        let requests = [
            ("GET class", app.client.get(c(""))),
            (
                "PATCH class",
                app.client.patch(c("")).json(&json!({"title": "x"})),
            ),
            ("DELETE class", app.client.delete(c(""))),
            ("GET participants", app.client.get(c("/participants"))),
            ("POST start", app.client.post(c("/start"))),
            ("POST end", app.client.post(c("/end"))),
            ("POST join", app.client.post(c("/join"))),
            ("POST leave", app.client.post(c("/leave"))),
            ("POST token", app.client.post(c("/token"))),
            (
                "POST recording",
                app.client
                    .post(c("/recording"))
                    .json(&json!({"recordingUrl": "https://example.com/r.mp4"})),
            ),
            (
                "PUT actual-times",
                app.client
                    .put(c("/actual-times"))
                    .json(&json!({"startedAt": "2030-01-01T10:00:00Z"})),
            ),
            ("GET schedule", app.client.get(s.clone())),
            (
                "PATCH schedule",
                app.client.patch(s.clone()).json(&json!({"title": "x"})),
            ),
            ("DELETE schedule", app.client.delete(s.clone())),
            (
                "GET join link",
                app.client.get(app.url(&format!("/join/{hash}"))),
            ),
        ];
        for (route, request) in requests {
            let r = app.send(request.bearer_auth(token)).await;
            assert_eq!(r.status, 404, "{route} as {who}: {:?}", r.body);
        }
    }
    // Still there for its own tenant.
    assert_eq!(
        app.get(&format!("/live-classes/{class}"), &owner)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/schedules/{schedule}"), &owner)
            .await
            .status,
        200
    );
}

on_both_backends!(
    refused_values_are_400_naming_the_field,
    recording_urls_take_https_http_or_s3_only,
    an_unreadable_row_does_not_take_down_a_list,
    another_tenants_resources_are_404_for_every_role,
);
