//! The seed-000 scenario over real HTTP, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

struct People {
    teacher: String,
    other_manager: String,
    student: String,
    student2: String,
}

fn people(app: &TestApp) -> People {
    People {
        teacher: app.token("teacher-1", TENANT, &["training_manager"]),
        other_manager: app.token("teacher-2", TENANT, &["org_admin"]),
        student: app.token("student-1", TENANT, &["student"]),
        student2: app.token("student-2", TENANT, &[]),
    }
}

async fn create(app: &TestApp, token: &str, capacity: u32) -> Value {
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({
                "tenantId": TENANT,
                "title": "Advanced JavaScript Session",
                "description": "Q&A for advanced concepts",
                "scheduledAt": "2030-11-20T14:00:00Z",
                "maxParticipants": capacity
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

fn id(class: &Value) -> String {
    class["id"].as_str().unwrap().to_owned()
}

async fn a_class_lives_its_whole_life(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);

    let class = create(&app, &p.teacher, 150).await;
    let cid = id(&class);
    assert_eq!(class["status"], "scheduled");
    assert_eq!(class["maxParticipants"], 150);
    assert_eq!(class["participantCount"], 0);
    assert_eq!(class["createdBy"], "teacher-1");
    assert_eq!(class["scheduledAt"], "2030-11-20T14:00:00Z");
    assert!(class["roomId"].as_str().unwrap().starts_with("room-"));
    // The creator sees the room; its name at Jitsi is secret, not the roomId.
    let join_url = class["joinUrl"].as_str().unwrap().to_owned();
    assert!(
        join_url.starts_with("https://meet.jit.si/lc-"),
        "{join_url}"
    );
    assert!(!join_url.contains(class["roomId"].as_str().unwrap()));

    // A student who has not joined sees the class without its room.
    let details = app.get(&format!("/live-classes/{cid}"), &p.student).await;
    assert_eq!(details.status, 200);
    assert_eq!(details.body["participants"], json!([]));
    assert!(details.body.get("joinUrl").is_none(), "{:?}", details.body);
    let listed = app.get("/live-classes", &p.student).await;
    assert_eq!(listed.body["liveClasses"][0]["id"], cid.as_str());
    assert!(listed.body["liveClasses"][0].get("joinUrl").is_none());
    let teacher_view = app.get(&format!("/live-classes/{cid}"), &p.teacher).await;
    assert_eq!(teacher_view.body["joinUrl"], join_url.as_str());
    let teacher_list = app.get("/live-classes", &p.teacher).await;
    assert_eq!(
        teacher_list.body["liveClasses"][0]["joinUrl"],
        join_url.as_str()
    );

    let started = app
        .post(&format!("/live-classes/{cid}/start"), &p.teacher)
        .await;
    assert_eq!(started.status, 200, "{:?}", started.body);
    assert_eq!(started.body["status"], "live");
    assert_eq!(started.body["message"], "Live class started successfully");

    let teacher_in = app
        .post(&format!("/live-classes/{cid}/join"), &p.teacher)
        .await;
    assert_eq!(
        (teacher_in.status, teacher_in.body["role"].as_str()),
        (200, Some("teacher"))
    );
    let joined = app
        .post(&format!("/live-classes/{cid}/join"), &p.student)
        .await;
    assert_eq!(joined.status, 200);
    assert_eq!(joined.body["role"], "participant");
    assert_eq!(joined.body["liveClassId"], cid.as_str());
    assert_eq!(joined.body["roomId"], class["roomId"]);
    assert_eq!(joined.body["joinUrl"], class["joinUrl"]);
    assert_eq!(joined.body["alreadyJoined"], false);
    // Admitted: the student now sees the room in the class's details, but
    // not in lists (those show it to the creator only).
    let inside = app.get(&format!("/live-classes/{cid}"), &p.student).await;
    assert_eq!(inside.body["joinUrl"], class["joinUrl"]);
    let listed = app.get("/live-classes", &p.student).await;
    assert!(listed.body["liveClasses"][0].get("joinUrl").is_none());

    // Joining again: the same record, no second seat.
    let again = app
        .post(&format!("/live-classes/{cid}/join"), &p.student)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], joined.body["id"]);
    assert_eq!(again.body["alreadyJoined"], true);

    let list = app
        .get(&format!("/live-classes/{cid}/participants"), &p.student2)
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["activeCount"], 2);
    assert_eq!(list.body["maxCapacity"], 150);
    assert_eq!(list.body["isFull"], false);
    assert_eq!(list.body["capacityUsed"], "1%");
    assert_eq!(list.body["participants"][1]["userName"], "student-1's name");

    let left = app
        .post(&format!("/live-classes/{cid}/leave"), &p.student)
        .await;
    assert_eq!(left.status, 200);
    assert_eq!(left.body["id"], joined.body["id"]);
    assert!(left.body["leftAt"].is_string());
    let not_in = app
        .post(&format!("/live-classes/{cid}/leave"), &p.student)
        .await;
    assert_eq!(
        (not_in.status, not_in.body["code"].as_str()),
        (404, Some("not_participating"))
    );

    let rejoined = app
        .post(&format!("/live-classes/{cid}/join"), &p.student)
        .await;
    assert_eq!(rejoined.status, 200);
    assert_ne!(
        rejoined.body["id"], joined.body["id"],
        "a rejoin is a new stay"
    );

    let ended = app
        .post(&format!("/live-classes/{cid}/end"), &p.teacher)
        .await;
    assert_eq!(ended.status, 200);
    assert_eq!(ended.body["status"], "ended");
    let ended_at = ended.body["endedAt"].clone();

    let details = app.get(&format!("/live-classes/{cid}"), &p.teacher).await;
    assert_eq!(details.body["status"], "ended");
    assert_eq!(details.body["participantCount"], 2);
    assert_eq!(details.body["activeParticipants"], 0);
    let stays = details.body["participants"].as_array().unwrap();
    assert_eq!(stays.len(), 3);
    assert!(stays.iter().all(|s| s["leftAt"].is_string()));
    let still_in_at_end: Vec<_> = stays.iter().filter(|s| s["leftAt"] == ended_at).collect();
    assert_eq!(
        still_in_at_end.len(),
        2,
        "teacher and the rejoined student leave at the end"
    );

    let recording = json!({"recordingUrl": "s3://bucket/live-classes/recording.mp4"});
    let set = app
        .post_json(
            &format!("/live-classes/{cid}/recording"),
            &p.other_manager,
            &recording,
        )
        .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!(
        set.body["recordingUrl"],
        "s3://bucket/live-classes/recording.mp4"
    );
    let twice = app
        .post_json(
            &format!("/live-classes/{cid}/recording"),
            &p.teacher,
            &json!({"recordingUrl": "s3://x/y"}),
        )
        .await;
    assert_eq!(
        (twice.status, twice.body["code"].as_str()),
        (409, Some("recording_already_set"))
    );
    let details = app.get(&format!("/live-classes/{cid}"), &p.student).await;
    assert_eq!(
        details.body["recordingUrl"],
        "s3://bucket/live-classes/recording.mp4"
    );

    let late = app
        .post(&format!("/live-classes/{cid}/join"), &p.student2)
        .await;
    assert_eq!(
        (late.status, late.body["code"].as_str()),
        (400, Some("class_not_live"))
    );
}

async fn lifecycle_refusals(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    let cid = id(&create(&app, &p.teacher, 10).await);

    let early = app
        .post(&format!("/live-classes/{cid}/join"), &p.student)
        .await;
    assert_eq!(early.status, 400);
    assert_eq!(
        early.body["message"],
        "Cannot join class with status: scheduled"
    );

    let end_first = app
        .post(&format!("/live-classes/{cid}/end"), &p.teacher)
        .await;
    assert_eq!(end_first.status, 400);
    assert_eq!(
        end_first.body["message"],
        "Cannot end class with status: scheduled"
    );

    let not_creator = app
        .post(&format!("/live-classes/{cid}/start"), &p.other_manager)
        .await;
    assert_eq!(not_creator.status, 403);
    assert_eq!(
        not_creator.body["message"],
        "Only the class creator can start the class"
    );
    let student_start = app
        .post(&format!("/live-classes/{cid}/start"), &p.student)
        .await;
    assert_eq!(student_start.status, 403);

    let no_recording = app
        .post_json(
            &format!("/live-classes/{cid}/recording"),
            &p.teacher,
            &json!({"recordingUrl": "s3://b/k"}),
        )
        .await;
    assert_eq!(
        (no_recording.status, no_recording.body["code"].as_str()),
        (400, Some("class_not_ended"))
    );

    assert_eq!(
        app.post(&format!("/live-classes/{cid}/start"), &p.teacher)
            .await
            .status,
        200
    );
    let twice = app
        .post(&format!("/live-classes/{cid}/start"), &p.teacher)
        .await;
    assert_eq!(twice.status, 400);
    assert_eq!(
        twice.body["message"],
        "Cannot start class with status: live"
    );
    let end_by_other = app
        .post(&format!("/live-classes/{cid}/end"), &p.other_manager)
        .await;
    assert_eq!(end_by_other.status, 403);
    let still_live = app.get(&format!("/live-classes/{cid}"), &p.teacher).await;
    assert_eq!(still_live.body["status"], "live");
}

async fn a_full_class_refuses_with_409_until_a_seat_frees(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    // Three seats: the teacher's (seated by the start) and two students'.
    let cid = id(&create(&app, &p.teacher, 3).await);
    app.post(&format!("/live-classes/{cid}/start"), &p.teacher)
        .await;
    assert_eq!(
        app.post(&format!("/live-classes/{cid}/join"), &p.student)
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(&format!("/live-classes/{cid}/join"), &p.student2)
            .await
            .status,
        200
    );
    let third = app.token("student-3", TENANT, &[]);
    let full = app.post(&format!("/live-classes/{cid}/join"), &third).await;
    assert_eq!(full.status, 409);
    assert_eq!(
        full.body["message"],
        "Live class is at maximum capacity (3 participants)"
    );
    assert_eq!(full.body["code"], "class_full");
    let view = app
        .get(&format!("/live-classes/{cid}/participants"), &third)
        .await;
    assert_eq!(
        (
            view.body["isFull"].as_bool(),
            view.body["capacityUsed"].as_str()
        ),
        (Some(true), Some("100%"))
    );
    // Someone already in still gets their seat back when full.
    assert_eq!(
        app.post(&format!("/live-classes/{cid}/join"), &p.student)
            .await
            .status,
        200
    );

    app.post(&format!("/live-classes/{cid}/leave"), &p.student2)
        .await;
    assert_eq!(
        app.post(&format!("/live-classes/{cid}/join"), &third)
            .await
            .status,
        200
    );
}

async fn tenants_never_see_each_other(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    let cid = id(&create(&app, &p.teacher, 10).await);
    app.post(&format!("/live-classes/{cid}/start"), &p.teacher)
        .await;

    let outsider = app.token("teacher-1", "globex", &["org_admin"]);
    for path in [
        format!("/live-classes/{cid}"),
        format!("/live-classes/{cid}/participants"),
    ] {
        let r = app.get(&path, &outsider).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (404, Some("class_not_found")),
            "{path}"
        );
    }
    for action in ["join", "leave", "start", "end"] {
        let r = app
            .post(&format!("/live-classes/{cid}/{action}"), &outsider)
            .await;
        assert_eq!(r.status, 404, "{action}: {:?}", r.body);
    }
    let r = app
        .post_json(
            &format!("/live-classes/{cid}/recording"),
            &outsider,
            &json!({"recordingUrl": "s3://b/k"}),
        )
        .await;
    assert_eq!(r.status, 404);
    let list = app.get("/live-classes", &outsider).await;
    assert_eq!(list.body["total"], 0);

    // Creating in another tenant through the body is refused.
    let r = app
        .post_json(
            "/live-classes",
            &p.teacher,
            &json!({"tenantId": "globex", "title": "x", "scheduledAt": "2030-01-01T10:00:00Z"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("tenant_mismatch"))
    );
}

async fn students_cannot_manage_classes(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    let r = app
        .post_json(
            "/live-classes",
            &p.student,
            &json!({"title": "x", "scheduledAt": "2030-01-01T10:00:00Z"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let cid = id(&create(&app, &p.teacher, 10).await);
    app.post(&format!("/live-classes/{cid}/start"), &p.teacher)
        .await;
    app.post(&format!("/live-classes/{cid}/end"), &p.teacher)
        .await;
    let r = app
        .post_json(
            &format!("/live-classes/{cid}/recording"),
            &p.student,
            &json!({"recordingUrl": "s3://b/k"}),
        )
        .await;
    assert_eq!(r.status, 403);
}

async fn bad_tokens_are_refused(db: TestDatabase) {
    let app = spawn_app(db).await;
    let missing = app.send(app.client.get(app.url("/live-classes"))).await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (401, Some("missing_token"))
    );
    let expired =
        liveclass_http::TokenIssuer::hs256(liveclass_tests::SECRET.as_bytes(), None, None)
            .sign(&liveclass_http::Claims {
                sub: "u".into(),
                tenant_id: TENANT.into(),
                roles: vec![],
                name: None,
                exp: 1_000_000_000,
                iat: None,
                iss: None,
                aud: None,
                nbf: None,
            })
            .unwrap();
    let r = app.get("/live-classes", &expired).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("token_expired"))
    );
    let forged =
        liveclass_http::TokenIssuer::hs256(b"some-other-secret-of-32-bytes-or-more", None, None)
            .mint("u", TENANT, &["org_admin"], None, 600)
            .unwrap();
    let r = app.get("/live-classes", &forged).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("invalid_token"))
    );
}

async fn invalid_input_writes_nothing(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    for body in [
        json!({"title": "", "scheduledAt": "2030-01-01T10:00:00Z"}),
        json!({"title": "x".repeat(201), "scheduledAt": "2030-01-01T10:00:00Z"}),
        json!({"title": "x", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": 0}),
        json!({"title": "x", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": 501}),
        json!({"title": "x", "scheduledAt": "not a date"}),
        json!({"title": "x"}),
        json!([1, 2, 3]),
    ] {
        let r = app.post_json("/live-classes", &p.teacher, &body).await;
        assert_eq!(r.status, 400, "{body}: {:?}", r.body);
    }
    let r = app
        .send(
            app.client
                .post(app.url("/live-classes"))
                .bearer_auth(&p.teacher)
                .header("content-type", "application/json")
                .body("{\"title\": \"unterminated"),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let list = app.get("/live-classes", &p.teacher).await;
    assert_eq!(list.body["total"], 0);
}

async fn lists_filter_by_status_and_page(db: TestDatabase) {
    let app = spawn_app(db).await;
    let p = people(&app);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(id(&create(&app, &p.teacher, 10).await));
    }
    app.post(&format!("/live-classes/{}/start", ids[0]), &p.teacher)
        .await;
    let live = app.get("/live-classes?status=live", &p.student).await;
    assert_eq!(live.body["total"], 1);
    assert_eq!(live.body["liveClasses"][0]["id"], ids[0].as_str());
    let page = app.get("/live-classes?limit=2&offset=1", &p.student).await;
    assert_eq!(
        (
            page.body["total"].as_u64(),
            page.body["limit"].as_u64(),
            page.body["offset"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(page.body["liveClasses"].as_array().unwrap().len(), 2);
    let default = app.get("/live-classes", &p.student).await;
    assert_eq!(default.body["limit"], 50);
    let too_many = app.get("/live-classes?limit=101", &p.student).await;
    assert_eq!(too_many.status, 400);
}

async fn readiness_reports_the_database(db: TestDatabase) {
    let app = spawn_app(db).await;
    let r = app.send(app.client.get(app.url("/readyz"))).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ok")));
}

on_both_backends!(
    a_class_lives_its_whole_life,
    lifecycle_refusals,
    a_full_class_refuses_with_409_until_a_seat_frees,
    tenants_never_see_each_other,
    students_cannot_manage_classes,
    bad_tokens_are_refused,
    invalid_input_writes_nothing,
    lists_filter_by_status_and_page,
    readiness_reports_the_database,
);
