//! Admission policies and course rosters (issue 12) over real HTTP, on
//! SQLite and on PostgreSQL: who may join, who sees which class, and every
//! refusal of the roster endpoints (wrong role, another tenant, bad input,
//! wrong class state).

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

fn manager(app: &TestApp) -> String {
    app.token("teacher-1", TENANT, &["training_manager"])
}

async fn create(app: &TestApp, body: &Value) -> Reply {
    let mut body = body.clone();
    body["title"] = json!("Cohort session");
    body["scheduledAt"] = json!("2030-03-01T14:00:00Z");
    app.post_json("/live-classes", &manager(app), &body).await
}

/// A live `roster` class of course `web`, taught by teacher-1.
async fn live_roster_class(app: &TestApp) -> String {
    let class = create(
        app,
        &json!({"courseId": "web", "admissionPolicy": "roster"}),
    )
    .await;
    assert_eq!(class.status, 201, "{:?}", class.body);
    assert_eq!(class.body["admissionPolicy"], "roster");
    assert_eq!(class.body["courseId"], "web");
    let id = class.body["id"].as_str().unwrap().to_owned();
    let started = app
        .post(&format!("/live-classes/{id}/start"), &manager(app))
        .await;
    assert_eq!(started.status, 200, "{:?}", started.body);
    id
}

/// Status and body (if any) of a request whose success has no body.
async fn status_of(app: &TestApp, request: reqwest::RequestBuilder) -> (u16, Value) {
    let _ = app;
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn put_roster(app: &TestApp, course: &str, token: &str, users: &Value) -> Reply {
    app.send(
        app.client
            .put(app.url(&format!("/courses/{course}/roster")))
            .bearer_auth(token)
            .json(&json!({ "userIds": users })),
    )
    .await
}

async fn a_roster_class_admits_its_roster_and_its_teacher_and_shows_to_them_only(db: TestDatabase) {
    let app = spawn_app(db).await;
    let id = live_roster_class(&app).await;
    let open = create(&app, &json!({})).await;
    assert_eq!(open.body["admissionPolicy"], "open");
    let open_id = open.body["id"].as_str().unwrap();

    let roster = put_roster(&app, "web", &manager(&app), &json!(["s2", "s1", "s1"])).await;
    assert_eq!(roster.status, 200, "{:?}", roster.body);
    assert_eq!(
        roster.body,
        json!({"courseId": "web", "userIds": ["s1", "s2"]})
    );
    assert_eq!(
        app.get("/courses/web/roster", &manager(&app)).await.body["userIds"],
        json!(["s1", "s2"])
    );

    let s1 = app.token("s1", TENANT, &[]);
    let outsider = app.token("s9", TENANT, &[]);
    let joined = app.post(&format!("/live-classes/{id}/join"), &s1).await;
    assert_eq!(joined.status, 200, "{:?}", joined.body);
    let refused = app
        .post(&format!("/live-classes/{id}/join"), &outsider)
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("not_on_roster")),
        "{:?}",
        refused.body
    );
    let teacher = app
        .post(&format!("/live-classes/{id}/join"), &manager(&app))
        .await;
    assert_eq!(teacher.status, 200, "{:?}", teacher.body);

    // Students see the classes they may join; managers see every class.
    let listed = |token: String| {
        let app = &app;
        async move {
            let page = app.get("/live-classes", &token).await;
            assert_eq!(page.status, 200);
            let mut ids: Vec<String> = page.body["liveClasses"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            (page.body["total"].as_u64().unwrap(), ids)
        }
    };
    let mut both = vec![id.clone(), open_id.to_owned()];
    both.sort();
    assert_eq!(listed(s1.clone()).await, (2, both.clone()));
    assert_eq!(
        listed(outsider.clone()).await,
        (1, vec![open_id.to_owned()])
    );
    assert_eq!(listed(manager(&app)).await, (2, both));

    // Off the roster: refused at the next join, not ejected.
    let (status, _) = status_of(
        &app,
        app.client
            .delete(app.url("/courses/web/roster/s1"))
            .bearer_auth(manager(&app)),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.post(&format!("/live-classes/{id}/leave"), &s1)
            .await
            .status,
        200
    );
    let again = app.post(&format!("/live-classes/{id}/join"), &s1).await;
    assert_eq!(again.body["code"], "not_on_roster");
    // Back on it, one at a time (twice: idempotent).
    for _ in 0..2 {
        let (status, _) = status_of(
            &app,
            app.client
                .put(app.url("/courses/web/roster/s1"))
                .bearer_auth(manager(&app)),
        )
        .await;
        assert_eq!(status, 204);
    }
    let back = app.post(&format!("/live-classes/{id}/join"), &s1).await;
    assert_eq!(back.status, 200, "{:?}", back.body);
}

async fn roster_endpoints_refuse_students_bad_input_and_keep_tenants_apart(db: TestDatabase) {
    let app = spawn_app(db).await;
    let student = app.token("s1", TENANT, &[]);
    let r = put_roster(&app, "web", &student, &json!(["s1"])).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let r = app.get("/courses/web/roster", &student).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    for request in [
        app.client.put(app.url("/courses/web/roster/s1")),
        app.client.delete(app.url("/courses/web/roster/s1")),
    ] {
        let (status, body) = status_of(&app, request.bearer_auth(&student)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    }

    // Bad input: a blank user id (named by its position), a bad course id
    // in the path, a body of the wrong shape.
    let r = put_roster(&app, "web", &manager(&app), &json!(["s1", " "])).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["code"], "validation_failed");
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .starts_with("userIds: [1]"),
        "{:?}",
        r.body
    );
    let r = put_roster(&app, "%20web", &manager(&app), &json!(["s1"])).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("validation_failed"))
    );
    let r = app
        .send(
            app.client
                .put(app.url("/courses/web/roster"))
                .bearer_auth(manager(&app))
                .json(&json!({"userIds": "s1"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let (status, body) = status_of(
        &app,
        app.client
            .put(app.url("/courses/web/roster/%20s1"))
            .bearer_auth(manager(&app)),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("validation_failed"))
    );

    // Another tenant's course of the same name is another roster: neither
    // seen nor changed.
    assert_eq!(
        put_roster(&app, "web", &manager(&app), &json!(["s1"]))
            .await
            .status,
        200
    );
    let other = app.token("boss", "globex", &["org_admin"]);
    let theirs = app.get("/courses/web/roster", &other).await;
    assert_eq!(theirs.body["userIds"], json!([]));
    assert_eq!(
        put_roster(&app, "web", &other, &json!([])).await.status,
        200
    );
    assert_eq!(
        app.get("/courses/web/roster", &manager(&app)).await.body["userIds"],
        json!(["s1"])
    );
}

async fn a_roster_policy_needs_a_course_and_joins_respect_the_class_state(db: TestDatabase) {
    let app = spawn_app(db).await;
    let r = create(&app, &json!({"admissionPolicy": "roster"})).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("validation_failed"))
    );
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .starts_with("admissionPolicy"),
        "{:?}",
        r.body
    );
    let r = create(&app, &json!({"admissionPolicy": "invite-only"})).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("invalid_body"))
    );

    let open = create(&app, &json!({})).await;
    let open_id = open.body["id"].as_str().unwrap();
    let r = app
        .patch_json(
            &format!("/live-classes/{open_id}"),
            &manager(&app),
            &json!({"admissionPolicy": "roster"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("validation_failed"))
    );

    let cohort = create(&app, &json!({"courseId": "web"})).await;
    let id = cohort.body["id"].as_str().unwrap();
    let student = app.token("s1", TENANT, &[]);
    // Only the creator edits the policy.
    let r = app
        .patch_json(
            &format!("/live-classes/{id}"),
            &student,
            &json!({"admissionPolicy": "roster"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("not_class_creator"))
    );
    let r = app
        .patch_json(
            &format!("/live-classes/{id}"),
            &manager(&app),
            &json!({"admissionPolicy": "roster"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["admissionPolicy"], "roster");

    // Not live yet: the class's state is the answer, not the roster.
    let r = app
        .post(&format!("/live-classes/{id}/join"), &student)
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("class_not_live"))
    );
    // Another tenant's class: not found, whatever its policy.
    let stranger = app.token("s1", "globex", &[]);
    let r = app
        .post(&format!("/live-classes/{id}/join"), &stranger)
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (404, Some("class_not_found"))
    );

    // Back to open: anyone may join once it is live.
    let r = app
        .patch_json(
            &format!("/live-classes/{id}"),
            &manager(&app),
            &json!({"admissionPolicy": "open"}),
        )
        .await;
    assert_eq!(r.body["admissionPolicy"], "open");
    app.post(&format!("/live-classes/{id}/start"), &manager(&app))
        .await;
    let r = app
        .post(&format!("/live-classes/{id}/join"), &student)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn a_schedule_s_policy_is_its_classes_default(db: TestDatabase) {
    let app = spawn_app(db).await;
    let body = json!({
        "courseId": "web", "title": "Web Dev live class", "maxParticipants": 20,
        "timezone": "Europe/Paris", "startTime": "14:00", "durationMinutes": 60,
        "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MO"]},
        "startsOn": "2030-03-01", "endsOn": "2030-03-31", "admissionPolicy": "roster"
    });
    let s = app.post_json("/schedules", &manager(&app), &body).await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    assert_eq!(s.body["admissionPolicy"], "roster");
    let sid = s.body["id"].as_str().unwrap();
    let classes = app
        .get(&format!("/live-classes?scheduleId={sid}"), &manager(&app))
        .await;
    let all = classes.body["liveClasses"].as_array().unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.iter().all(|c| c["admissionPolicy"] == "roster"));
    // A student off the roster does not see them.
    let student = app.token("s1", TENANT, &[]);
    let seen = app
        .get(&format!("/live-classes?scheduleId={sid}"), &student)
        .await;
    assert_eq!(seen.body["total"], 0);

    // The schedule's new policy reaches its future classes.
    let r = app
        .patch_json(
            &format!("/schedules/{sid}"),
            &manager(&app),
            &json!({"admissionPolicy": "open"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let seen = app
        .get(&format!("/live-classes?scheduleId={sid}"), &student)
        .await;
    assert_eq!(seen.body["total"], 4);
}

on_both_backends!(
    a_roster_class_admits_its_roster_and_its_teacher_and_shows_to_them_only,
    roster_endpoints_refuse_students_bad_input_and_keep_tenants_apart,
    a_roster_policy_needs_a_course_and_joins_respect_the_class_state,
    a_schedule_s_policy_is_its_classes_default,
);
