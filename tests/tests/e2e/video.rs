//! The server against wiremock Daily and Zoom: a class walked from creation
//! to end, a provider failure on create, a failed room deletion retried
//! by the background task, and a removed participant ejected from the
//! Daily room. On SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_with};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TENANT: &str = "acme";

async fn create(app: &TestApp, token: &str) -> (u16, Value) {
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({
                "title": "Rust 101",
                "description": "Ownership",
                "scheduledAt": "2030-11-20T14:00:00Z",
                "maxParticipants": 30
            }),
        )
        .await;
    (reply.status, reply.body)
}

async fn patch(app: &TestApp, id: &str, token: &str, body: &Value) -> (u16, Value) {
    let reply = app
        .send(
            app.client
                .patch(app.url(&format!("/live-classes/{id}")))
                .bearer_auth(token)
                .json(body),
        )
        .await;
    (reply.status, reply.body)
}

async fn delete(app: &TestApp, id: &str, token: &str) -> (u16, Value) {
    let reply = app
        .send(
            app.client
                .delete(app.url(&format!("/live-classes/{id}")))
                .bearer_auth(token),
        )
        .await;
    (reply.status, reply.body)
}

fn daily_room(name: &str) -> Value {
    json!({"id": "d61cd7b2", "name": name, "api_created": true, "privacy": "private",
           "url": format!("https://acme.daily.co/{name}"), "created_at": "2030-11-01T00:00:00.000Z",
           "config": {}})
}

/// A Daily that echoes the requested room name back.
async fn daily() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .and(header("authorization", "Bearer daily-key"))
        .respond_with(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            ResponseTemplate::new(200).set_body_json(daily_room(body["name"].as_str().unwrap()))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("^/rooms/lc-[0-9a-f]{32}$"))
        .respond_with(|r: &Request| {
            let name = r.url.path().trim_start_matches("/rooms/").to_owned();
            ResponseTemplate::new(200).set_body_json(daily_room(&name))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .respond_with(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            let owner = body["properties"]["is_owner"].as_bool().unwrap();
            ResponseTemplate::new(200)
                .set_body_json(json!({"token": if owner { "owner-token" } else { "guest-token" }}))
        })
        .mount(&server)
        .await;
    server
}

async fn daily_app(db: TestDatabase, daily: &MockServer, extra: &[(&str, &str)]) -> TestApp {
    let url = daily.uri();
    let mut vars = vec![
        ("LIVECLASS_VIDEO_PROVIDER", "daily"),
        ("DAILY_API_KEY", "daily-key"),
        ("DAILY_API_URL", url.as_str()),
    ];
    vars.extend_from_slice(extra);
    spawn_app_with(db, &vars).await
}

async fn requests(server: &MockServer, verb: &str, path_prefix: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path().starts_with(path_prefix))
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

async fn a_daily_class_walks_from_creation_to_end(db: TestDatabase) {
    let daily = daily().await;
    Mock::given(method("DELETE"))
        .and(path_regex("^/rooms/lc-"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .expect(1)
        .mount(&daily)
        .await;
    let app = daily_app(db, &daily, &[]).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);

    let (status, class) = create(&app, &teacher).await;
    assert_eq!(status, 201, "{class}");
    let id = class["id"].as_str().unwrap().to_owned();
    assert_eq!(class["videoProvider"], "daily");
    let created = requests(&daily, "POST", "/rooms").await;
    // The room's name at Daily is the class's secret room name, not its roomId.
    let room = created[0]["name"].as_str().unwrap().to_owned();
    assert!(room.starts_with("lc-"), "{room}");
    assert_ne!(class["roomId"], room.as_str());
    assert_eq!(class["joinUrl"], format!("https://acme.daily.co/{room}"));
    assert_eq!(created[0]["privacy"], "private");
    assert_eq!(created[0]["properties"]["max_participants"], 30);

    let (status, patched) = patch(&app, &id, &teacher, &json!({"maxParticipants": 40})).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["maxParticipants"], 40);
    let updates = requests(&daily, "POST", &format!("/rooms/{room}")).await;
    assert_eq!(updates[0]["properties"]["max_participants"], 40);

    assert_eq!(
        app.post(&format!("/live-classes/{id}/start"), &teacher)
            .await
            .status,
        200
    );
    let joined = app
        .post(&format!("/live-classes/{id}/join"), &teacher)
        .await;
    assert_eq!(
        (joined.status, joined.body["token"].as_str()),
        (200, Some("owner-token"))
    );
    let joined = app
        .post(&format!("/live-classes/{id}/join"), &student)
        .await;
    assert_eq!(
        (joined.status, joined.body["token"].as_str()),
        (200, Some("guest-token"))
    );
    assert!(joined.body["tokenExpiresAt"].is_string());
    let again = app
        .post(&format!("/live-classes/{id}/token"), &student)
        .await;
    assert_eq!(
        (
            again.status,
            again.body["token"].as_str(),
            again.body["role"].as_str()
        ),
        (200, Some("guest-token"), Some("participant"))
    );
    let tokens = requests(&daily, "POST", "/meeting-tokens").await;
    assert_eq!(tokens.len(), 3);
    assert_eq!(tokens[0]["properties"]["room_name"], room.as_str());
    assert_eq!(tokens[0]["properties"]["user_id"], "teacher-1");
    assert_eq!(tokens[1]["properties"]["is_owner"], false);

    let ended = app.post(&format!("/live-classes/{id}/end"), &teacher).await;
    assert_eq!(
        (ended.status, ended.body["status"].as_str()),
        (200, Some("ended"))
    );
    // Ending a Daily class deletes its room (the mock's expect(1)).
    daily.verify().await;
}

async fn a_provider_failure_on_create_is_502_and_nothing_is_created(db: TestDatabase) {
    let daily = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&daily)
        .await;
    let app = daily_app(db, &daily, &[]).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let (status, body) = create(&app, &teacher).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("video_provider_unavailable"))
    );
    assert_eq!(body["statusCode"], 502);
    let list = app.get("/live-classes", &teacher).await;
    assert_eq!(list.body["total"], 0);
}

async fn a_room_deletion_that_fails_on_cancel_is_retried_in_the_background(db: TestDatabase) {
    let daily = daily().await;
    // The cancel's own attempt (with its two retries) fails; then Daily is back.
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&daily)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .with_priority(2)
        .mount(&daily)
        .await;
    let app = daily_app(
        db,
        &daily,
        &[("LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS", "1")],
    )
    .await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let (_, class) = create(&app, &teacher).await;
    let id = class["id"].as_str().unwrap();

    let (status, cancelled) = delete(&app, id, &teacher).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled")),
        "{cancelled}"
    );
    assert_eq!(requests(&daily, "DELETE", "/rooms/").await.len(), 3);

    let mut deletes = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        deletes = requests(&daily, "DELETE", "/rooms/").await.len();
        if deletes == 4 {
            break;
        }
    }
    assert_eq!(deletes, 4, "the background task did not retry the deletion");
    // Done means gone from the queue: no further attempts.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(requests(&daily, "DELETE", "/rooms/").await.len(), 4);
}

/// A Zoom with OAuth and the meeting endpoints.
async fn zoom() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "zoom-access", "token_type": "bearer", "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let meeting = json!({
        "id": 85_746_065_432_i64, "topic": "Rust 101", "type": 2,
        "join_url": "https://zoom.us/j/85746065432",
        "start_url": "https://zoom.us/s/85746065432?zak=fresh",
        "password": "abc123"
    });
    Mock::given(method("POST"))
        .and(path("/v2/users/me/meetings"))
        .and(header("authorization", "Bearer zoom-access"))
        .and(body_partial_json(json!({
            "topic": "Rust 101", "type": 2, "start_time": "2030-11-20T14:00:00Z", "timezone": "UTC"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(meeting.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v2/meetings/85746065432"))
        .and(body_partial_json(json!({"topic": "Rust 102"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/meetings/85746065432"))
        .respond_with(ResponseTemplate::new(200).set_body_json(meeting))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/meetings/85746065432/status"))
        .and(body_partial_json(json!({"action": "end"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn a_zoom_class_walks_from_creation_to_end(db: TestDatabase) {
    let zoom = zoom().await;
    let api = format!("{}/v2", zoom.uri());
    let oauth = format!("{}/oauth/token", zoom.uri());
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "csecret"),
            ("ZOOM_API_URL", api.as_str()),
            ("ZOOM_OAUTH_URL", oauth.as_str()),
        ],
    )
    .await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);

    let (status, class) = create(&app, &teacher).await;
    assert_eq!(status, 201, "{class}");
    let id = class["id"].as_str().unwrap().to_owned();
    assert_eq!(class["joinUrl"], "https://zoom.us/j/85746065432");
    assert_eq!(class["hostUrl"], "https://zoom.us/s/85746065432?zak=fresh");
    let seen_by_student = app.get(&format!("/live-classes/{id}"), &student).await;
    assert!(
        seen_by_student.body.get("hostUrl").is_none(),
        "{}",
        seen_by_student.body
    );

    let (status, _) = patch(&app, &id, &teacher, &json!({"title": "Rust 102"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        app.post(&format!("/live-classes/{id}/start"), &teacher)
            .await
            .status,
        200
    );
    let host = app
        .post(&format!("/live-classes/{id}/join"), &teacher)
        .await;
    assert_eq!(
        host.body["joinUrl"],
        "https://zoom.us/s/85746065432?zak=fresh"
    );
    let guest = app
        .post(&format!("/live-classes/{id}/join"), &student)
        .await;
    assert_eq!(guest.body["joinUrl"], "https://zoom.us/j/85746065432");
    assert!(guest.body.get("token").is_none());
    let ended = app.post(&format!("/live-classes/{id}/end"), &teacher).await;
    assert_eq!(
        (ended.status, ended.body["status"].as_str()),
        (200, Some("ended"))
    );
    // One OAuth token for all calls; create, PATCH, GET, end once each.
    zoom.verify().await;
}

/// Issue 12: removal is a ban, and Daily also ejects the removed user from
/// the running meeting (`POST /rooms/{name}/eject` with the `user_id` their
/// meeting token carried, and `ban`); a provider failure never fails the
/// removal, and nobody absent is ejected.
async fn a_participant_removed_from_a_live_daily_class_is_ejected_from_its_room(db: TestDatabase) {
    let daily = daily().await;
    // Daily fails for student-2 only.
    Mock::given(method("POST"))
        .and(path_regex("^/rooms/lc-[0-9a-f]{32}/eject$"))
        .and(body_partial_json(json!({"user_ids": ["student-2"]})))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "server-error"})))
        .with_priority(1)
        .mount(&daily)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("^/rooms/lc-[0-9a-f]{32}/eject$"))
        .and(header("authorization", "Bearer daily-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ejectedIds": ["p-1"]})))
        .with_priority(2)
        .mount(&daily)
        .await;
    let app = daily_app(db, &daily, &[]).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let (status, class) = create(&app, &teacher).await;
    assert_eq!(status, 201, "{class}");
    let id = class["id"].as_str().unwrap().to_owned();
    let room = requests(&daily, "POST", "/rooms").await[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let eject_path = format!("/rooms/{room}/eject");
    let remove = |user: &str| format!("/live-classes/{id}/participants/{user}/remove");

    // Before the class starts there is no meeting: nobody is ejected.
    let early = app.post(&remove("student-9"), &teacher).await;
    assert_eq!(
        (early.status, early.body["providerEject"].as_str()),
        (200, Some("not_needed")),
        "{:?}",
        early.body
    );
    app.post(&format!("/live-classes/{id}/start"), &teacher)
        .await;
    for who in ["student-1", "student-2"] {
        let joined = app
            .post(
                &format!("/live-classes/{id}/join"),
                &app.token(who, TENANT, &[]),
            )
            .await;
        assert_eq!(joined.status, 200, "{:?}", joined.body);
    }

    let removed = app.post(&remove("student-1"), &teacher).await;
    assert_eq!(removed.status, 200, "{:?}", removed.body);
    assert_eq!(removed.body["wasPresent"], true);
    assert_eq!(removed.body["providerEject"], "ejected");
    assert_eq!(
        requests(&daily, "POST", &eject_path).await,
        vec![json!({"user_ids": ["student-1"], "ban": true})]
    );

    // Daily fails (retried, then given up): the removal stands.
    let failed = app.post(&remove("student-2"), &teacher).await;
    assert_eq!(failed.status, 200, "{:?}", failed.body);
    assert_eq!(failed.body["wasPresent"], true);
    assert_eq!(failed.body["providerEject"], "failed");
    let rejoin = app
        .post(
            &format!("/live-classes/{id}/join"),
            &app.token("student-2", TENANT, &[]),
        )
        .await;
    assert_eq!(
        (rejoin.status, rejoin.body["code"].as_str()),
        (403, Some("removed_from_class"))
    );

    // Absent from the live class: banned, not ejected.
    let ejects = requests(&daily, "POST", &eject_path).await.len();
    let absent = app.post(&remove("student-3"), &teacher).await;
    assert_eq!(
        (
            absent.body["wasPresent"].as_bool(),
            absent.body["providerEject"].as_str()
        ),
        (Some(false), Some("not_needed"))
    );
    assert_eq!(requests(&daily, "POST", &eject_path).await.len(), ejects);
}

on_both_backends!(
    a_participant_removed_from_a_live_daily_class_is_ejected_from_its_room,
    a_daily_class_walks_from_creation_to_end,
    a_provider_failure_on_create_is_502_and_nothing_is_created,
    a_room_deletion_that_fails_on_cancel_is_retried_in_the_background,
    a_zoom_class_walks_from_creation_to_end,
);
