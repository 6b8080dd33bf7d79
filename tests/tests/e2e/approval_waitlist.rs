//! Requests to join `approval` classes, removal as a ban, and the waitlist
//! (issue 12) over real HTTP, on SQLite and on PostgreSQL: each flow, and
//! every endpoint's refusals (wrong role, another tenant, wrong class state).

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

fn teacher(app: &TestApp) -> String {
    app.token("teacher-1", TENANT, &["training_manager"])
}

fn student(app: &TestApp, who: &str) -> String {
    app.token(who, TENANT, &[])
}

fn code(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["code"].as_str())
}

/// A class taught by teacher-1, started unless `live` is false.
async fn class(app: &TestApp, body: Value, live: bool) -> String {
    let mut body = body;
    body["title"] = json!("Session");
    body["scheduledAt"] = json!("2030-03-01T14:00:00Z");
    let created = app.post_json("/live-classes", &teacher(app), &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    if live {
        let started = app
            .post(&format!("/live-classes/{id}/start"), &teacher(app))
            .await;
        assert_eq!(started.status, 200, "{:?}", started.body);
    }
    id
}

async fn an_approval_class_admits_whom_its_moderators_approve(db: TestDatabase) {
    let app = spawn_app(db).await;
    let id = class(&app, json!({"admissionPolicy": "approval"}), false).await;
    let s1 = student(&app, "s1");
    // Before the class starts, asking is allowed.
    let asked = app.post(&format!("/live-classes/{id}/requests"), &s1).await;
    assert_eq!(asked.status, 201, "{:?}", asked.body);
    assert_eq!(asked.body["status"], "pending");
    let request = asked.body["id"].as_str().unwrap().to_owned();
    let again = app.post(&format!("/live-classes/{id}/requests"), &s1).await;
    assert_eq!((again.status, &again.body["id"]), (200, &json!(request)));
    let mine = app
        .get(&format!("/live-classes/{id}/requests/me"), &s1)
        .await;
    assert_eq!(mine.body["status"], "pending");
    assert_eq!(
        code(
            &app.get(
                &format!("/live-classes/{id}/requests/me"),
                &student(&app, "s2")
            )
            .await
        ),
        (404, Some("join_request_not_found"))
    );
    app.post(&format!("/live-classes/{id}/start"), &teacher(&app))
        .await;
    assert_eq!(
        code(&app.post(&format!("/live-classes/{id}/join"), &s1).await),
        (403, Some("approval_required"))
    );
    // Only moderators see and decide.
    assert_eq!(
        code(&app.get(&format!("/live-classes/{id}/requests"), &s1).await),
        (403, Some("not_moderator"))
    );
    assert_eq!(
        code(
            &app.post(
                &format!("/live-classes/{id}/requests/{request}/approve"),
                &s1
            )
            .await
        ),
        (403, Some("not_moderator"))
    );
    let listed = app
        .get(
            &format!("/live-classes/{id}/requests?status=pending"),
            &teacher(&app),
        )
        .await;
    assert_eq!(listed.body["requests"].as_array().unwrap().len(), 1);
    let approved = app
        .post(
            &format!("/live-classes/{id}/requests/{request}/approve"),
            &teacher(&app),
        )
        .await;
    assert_eq!(approved.status, 200, "{:?}", approved.body);
    assert_eq!(approved.body["request"]["status"], "approved");
    assert_eq!(
        app.post(&format!("/live-classes/{id}/join"), &s1)
            .await
            .status,
        200
    );
    // Withdrawn in bulk (with an unknown id that fails alone): s1 is out.
    let unknown = "123e4567-e89b-12d3-a456-426614174000";
    let bulk = app
        .post_json(
            &format!("/live-classes/{id}/requests/decide"),
            &teacher(&app),
            &json!({"decision": "reject", "requestIds": [request, unknown]}),
        )
        .await;
    assert_eq!(bulk.status, 200, "{:?}", bulk.body);
    let results = bulk.body["results"].as_array().unwrap();
    assert_eq!(results[0]["request"]["status"], "rejected");
    assert_eq!(results[0]["removedParticipation"]["userId"], "s1");
    assert_eq!(results[1]["error"]["code"], "join_request_not_found");
    assert_eq!(
        code(&app.post(&format!("/live-classes/{id}/join"), &s1).await),
        (403, Some("approval_required"))
    );
    let active = app
        .get(&format!("/live-classes/{id}/participants"), &teacher(&app))
        .await;
    assert!(
        !active.body.to_string().contains("\"s1\""),
        "s1 is still in the class: {:?}",
        active.body
    );
    // Bad input, another tenant, another policy, a class over.
    assert_eq!(
        app.post_json(
            &format!("/live-classes/{id}/requests/decide"),
            &teacher(&app),
            &json!({"decision": "reject", "requestIds": []}),
        )
        .await
        .status,
        400
    );
    let foreign = app.token("x", "globex", &["org_admin"]);
    assert_eq!(
        code(
            &app.get(&format!("/live-classes/{id}/requests"), &foreign)
                .await
        ),
        (404, Some("class_not_found"))
    );
    let open = class(&app, json!({}), true).await;
    assert_eq!(
        code(
            &app.post(&format!("/live-classes/{open}/requests"), &s1)
                .await
        ),
        (409, Some("approval_not_required"))
    );
    app.post(&format!("/live-classes/{id}/end"), &teacher(&app))
        .await;
    assert_eq!(
        code(
            &app.post(
                &format!("/live-classes/{id}/requests"),
                &student(&app, "s3")
            )
            .await
        ),
        (409, Some("class_over"))
    );
}

async fn a_removed_user_stays_out_until_the_class_ends(db: TestDatabase) {
    let app = spawn_app(db).await;
    let id = class(&app, json!({}), true).await;
    let s1 = student(&app, "s1");
    assert_eq!(
        app.post(&format!("/live-classes/{id}/join"), &s1)
            .await
            .status,
        200
    );
    assert_eq!(
        code(
            &app.post(&format!("/live-classes/{id}/participants/s2/remove"), &s1)
                .await
        ),
        (403, Some("not_moderator"))
    );
    let removed = app
        .post(
            &format!("/live-classes/{id}/participants/s1/remove"),
            &teacher(&app),
        )
        .await;
    assert_eq!(removed.status, 200, "{:?}", removed.body);
    assert_eq!(removed.body["wasPresent"], true);
    assert_eq!(removed.body["participation"]["userId"], "s1");
    // Jitsi (these tests' provider) cannot eject one user.
    assert_eq!(removed.body["providerEject"], "not_supported");
    for path in ["join", "token", "waitlist"] {
        assert_eq!(
            code(&app.post(&format!("/live-classes/{id}/{path}"), &s1).await),
            (403, Some("removed_from_class")),
            "{path}"
        );
    }
    // Absent, still banned.
    let absent = app
        .post(
            &format!("/live-classes/{id}/participants/s2/remove"),
            &teacher(&app),
        )
        .await;
    assert_eq!(absent.body["wasPresent"], false);
    assert_eq!(absent.body["providerEject"], "not_needed");
    assert_eq!(
        code(
            &app.post(&format!("/live-classes/{id}/join"), &student(&app, "s2"))
                .await
        ),
        (403, Some("removed_from_class"))
    );
    assert_eq!(
        code(
            &app.post(
                &format!("/live-classes/{id}/participants/teacher-1/remove"),
                &teacher(&app)
            )
            .await
        ),
        (403, Some("cannot_remove_host"))
    );
    let foreign = app.token("x", "globex", &["org_admin"]);
    assert_eq!(
        code(
            &app.post(
                &format!("/live-classes/{id}/participants/s3/remove"),
                &foreign
            )
            .await
        ),
        (404, Some("class_not_found"))
    );
    app.post(&format!("/live-classes/{id}/end"), &teacher(&app))
        .await;
    assert_eq!(
        code(
            &app.post(
                &format!("/live-classes/{id}/participants/s3/remove"),
                &teacher(&app)
            )
            .await
        ),
        (409, Some("class_over"))
    );
}

async fn a_full_class_puts_joiners_in_line_and_seats_the_first_when_one_leaves(db: TestDatabase) {
    let app = spawn_app(db).await;
    // The teacher's seat and one more.
    let id = class(&app, json!({"maxParticipants": 2}), true).await;
    let (s1, s2, s3) = (
        student(&app, "s1"),
        student(&app, "s2"),
        student(&app, "s3"),
    );
    let seated = app.post(&format!("/live-classes/{id}/waitlist"), &s1).await;
    assert_eq!(seated.status, 200, "{:?}", seated.body);
    assert!(seated.body["joinUrl"].is_string());
    let waiting = app.post(&format!("/live-classes/{id}/waitlist"), &s2).await;
    assert_eq!(waiting.status, 202, "{:?}", waiting.body);
    assert_eq!(
        (
            waiting.body["status"].as_str(),
            waiting.body["position"].as_u64()
        ),
        (Some("waiting"), Some(1))
    );
    // A plain join of a full class is still 409; in line, too.
    assert_eq!(
        code(&app.post(&format!("/live-classes/{id}/join"), &s3).await),
        (409, Some("class_full"))
    );
    let line = app
        .get(&format!("/live-classes/{id}/waitlist"), &teacher(&app))
        .await;
    assert_eq!(line.body["entries"][0]["userId"], "s2");
    assert_eq!(
        code(&app.get(&format!("/live-classes/{id}/waitlist"), &s2).await),
        (403, Some("not_moderator"))
    );
    let mine = app
        .get(&format!("/live-classes/{id}/waitlist/me"), &s2)
        .await;
    assert_eq!(mine.body["entry"]["position"], 1);
    assert!(mine.body["join"].is_null());
    // s1 leaves: s2 is in, told by waitlist/me with a join's answer.
    assert_eq!(
        app.post(&format!("/live-classes/{id}/leave"), &s1)
            .await
            .status,
        200
    );
    let mine = app
        .get(&format!("/live-classes/{id}/waitlist/me"), &s2)
        .await;
    assert_eq!(mine.status, 200, "{:?}", mine.body);
    assert_eq!(mine.body["entry"]["status"], "admitted");
    assert_eq!(mine.body["join"]["userId"], "s2");
    assert!(mine.body["join"]["joinUrl"].is_string());
    // s3 waits, then leaves the line.
    assert_eq!(
        app.post(&format!("/live-classes/{id}/waitlist"), &s3)
            .await
            .status,
        202
    );
    let left = app
        .client
        .delete(app.url(&format!("/live-classes/{id}/waitlist/me")))
        .bearer_auth(&s3)
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 204);
    assert_eq!(
        code(
            &app.delete(&format!("/live-classes/{id}/waitlist/me"), &s3)
                .await
        ),
        (404, Some("not_waiting"))
    );
    assert_eq!(
        code(
            &app.get(
                &format!("/live-classes/{id}/waitlist/me"),
                &student(&app, "s9")
            )
            .await
        ),
        (404, Some("not_waiting"))
    );
    let foreign = app.token("x", "globex", &["org_admin"]);
    assert_eq!(
        code(
            &app.get(&format!("/live-classes/{id}/waitlist"), &foreign)
                .await
        ),
        (404, Some("class_not_found"))
    );
    // A class not live has no line.
    let later = class(&app, json!({}), false).await;
    assert_eq!(
        code(
            &app.post(&format!("/live-classes/{later}/waitlist"), &s3)
                .await
        ),
        (400, Some("class_not_live"))
    );
}

on_both_backends!(
    an_approval_class_admits_whom_its_moderators_approve,
    a_removed_user_stays_out_until_the_class_ends,
    a_full_class_puts_joiners_in_line_and_seats_the_first_when_one_leaves,
);
