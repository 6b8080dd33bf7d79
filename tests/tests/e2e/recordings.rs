//! Recordings end to end (issue 11) against a wiremock Daily: start (which
//! starts a scheduled class), stop (which does not end it), one running
//! recording at a time, access rules, deletion here and at Daily with the
//! retried clean-up queue, the seed-000 URL as an `external` recording,
//! tenants kept apart, and a provider that cannot record. On SQLite and on
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

use diesel::prelude::*;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TENANT: &str = "acme";

fn daily_room(name: &str) -> Value {
    json!({"id": "d61cd7b2", "name": name, "api_created": true, "privacy": "private",
           "url": format!("https://acme.daily.co/{name}"), "created_at": "2030-11-01T00:00:00.000Z",
           "config": {}})
}

/// A Daily that makes rooms, tokens and recordings (answers as its OpenAPI
/// document's examples: `{"status":"sent"}` for start and stop).
async fn daily() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            ResponseTemplate::new(200).set_body_json(daily_room(body["name"].as_str().unwrap()))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(
            "^/rooms/lc-[0-9a-f]{32}/recordings/(start|stop)$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "sent"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .mount(&server)
        .await;
    server
}

async fn daily_app(db: TestDatabase, daily: &MockServer) -> TestApp {
    let url = daily.uri();
    spawn_app_with(
        db,
        &[
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
            ("DAILY_API_KEY", "daily-key"),
            ("DAILY_API_URL", url.as_str()),
            ("DAILY_ENABLE_RECORDING", "cloud"),
        ],
    )
    .await
}

async fn create(app: &TestApp, token: &str) -> String {
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({"title": "Rust 101", "scheduledAt": "2030-11-20T14:00:00Z"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn calls(server: &MockServer, suffix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .count()
}

async fn status_only(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

async fn starting_and_stopping_records_without_ending_the_class(db: TestDatabase) {
    let daily = daily().await;
    let app = daily_app(db, &daily).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = create(&app, &teacher).await;

    // Only the creator records.
    let refused = app
        .post(&format!("/live-classes/{id}/recordings"), &student)
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("not_class_creator"))
    );

    // Recording a scheduled class starts it (seed 002).
    let started = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(started.status, 201, "{}", started.body);
    assert_eq!(started.body["status"], "starting");
    assert_eq!(started.body["provider"], "daily");
    assert_eq!(started.body["visibility"], "participants");
    assert_eq!(started.body["startedBy"], "teacher-1");
    let rec = started.body["id"].as_str().unwrap().to_owned();
    let class = app.get(&format!("/live-classes/{id}"), &teacher).await;
    assert_eq!(class.body["status"], "live");
    assert_eq!(calls(&daily, "/recordings/start").await, 1);

    // One running recording at a time; Daily is not asked twice.
    let twice = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(
        (twice.status, twice.body["code"].as_str()),
        (409, Some("recording_already_running"))
    );
    assert_eq!(calls(&daily, "/recordings/start").await, 1);

    // Stopping does not end the class.
    let stop = format!("/live-classes/{id}/recordings/{rec}/stop");
    let stopped = app.post(&stop, &teacher).await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.body["status"], "processing");
    assert!(stopped.body["stoppedAt"].is_string());
    assert_eq!(calls(&daily, "/recordings/stop").await, 1);
    let class = app.get(&format!("/live-classes/{id}"), &teacher).await;
    assert_eq!(class.body["status"], "live");
    let again = app.post(&stop, &teacher).await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (400, Some("recording_not_running"))
    );

    // A second recording of the same class.
    let second = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    let list = app
        .get(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(list.status, 200);
    let statuses: Vec<&str> = list.body["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["processing", "starting"]);

    // The events of the class's log (numbered about 100 ms after the change).
    let want = [
        "class.started",
        "recording.started",
        "recording.stopped",
        "recording.started",
    ];
    let mut types = Vec::new();
    for _ in 0..100 {
        let events = app
            .get(&format!("/live-classes/{id}/events"), &teacher)
            .await;
        types = events.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .filter(|t| t.starts_with("recording.") || t == "class.started")
            .collect();
        if types.len() >= want.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(types, want);
}

async fn visibility_and_grants_decide_who_sees_a_recording(db: TestDatabase) {
    let daily = daily().await;
    let app = daily_app(db, &daily).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let student = app.token("student-1", TENANT, &[]);
    let other = app.token("student-2", TENANT, &[]);
    let stranger = app.token("teacher-1", "globex", &["org_admin"]);
    let id = create(&app, &teacher).await;
    let rec = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = format!("/recordings/{rec}");

    // `participants` (the default): not until admitted to the class.
    let seen = app.get(&get, &student).await;
    assert_eq!(
        (seen.status, seen.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(
        app.post(&format!("/live-classes/{id}/join"), &student)
            .await
            .status,
        200
    );
    let seen = app.get(&get, &student).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(
        (
            seen.body["canAccess"].as_bool(),
            seen.body["canDownload"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert!(
        seen.body.get("grants").is_none(),
        "grants are for managers: {}",
        seen.body
    );
    // Another tenant: 404, whatever its role.
    let hidden = app.get(&get, &stranger).await;
    assert_eq!(
        (hidden.status, hidden.body["code"].as_str()),
        (404, Some("recording_not_found"))
    );
    let hidden = app
        .get(&format!("/live-classes/{id}/recordings"), &stranger)
        .await;
    assert_eq!(hidden.status, 404);

    // Private with a download grant for student-2 only.
    let access = format!("/recordings/{rec}/access");
    let put = |token: &str, body: Value| {
        app.client
            .put(app.url(&access))
            .bearer_auth(token)
            .json(&body)
    };
    let body = json!({"visibility": "private", "grants": [
        {"userId": "student-2", "level": "download", "expiresAt": "2099-01-01T00:00:00Z"}]});
    let refused = app.send(put(&student, body.clone())).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let shared = app.send(put(&admin, body)).await;
    assert_eq!(shared.status, 200, "{}", shared.body);
    assert_eq!(shared.body["visibility"], "private");
    assert_eq!(shared.body["grants"][0]["userId"], "student-2");
    assert_eq!(app.get(&get, &student).await.status, 403);
    let granted = app.get(&get, &other).await;
    assert_eq!(
        (granted.status, granted.body["canDownload"].as_bool()),
        (200, Some(true))
    );
    let list = app
        .get(&format!("/live-classes/{id}/recordings"), &student)
        .await;
    assert_eq!(list.body["recordings"][0]["canAccess"], false);

    // Refused bodies name the field.
    for (body, field) in [
        (json!({"visibility": "everyone"}), "visibility"),
        (
            json!({"visibility": "tenant", "grants": [{"userId": "u", "level": "view", "expiresAt": "2001-01-01T00:00:00Z"}]}),
            "grants[].expiresAt",
        ),
        (
            json!({"visibility": "tenant", "grants": [{"userId": "u", "level": "view"}, {"userId": "u", "level": "download"}]}),
            "grants",
        ),
        (
            json!({"visibility": "tenant", "grants": [{"userId": "", "level": "view"}]}),
            "userId",
        ),
    ] {
        let bad = app.send(put(&teacher, body.clone())).await;
        assert_eq!(bad.status, 400, "{body}: {}", bad.body);
        assert!(
            bad.body["message"].as_str().unwrap().contains(field),
            "{body}: {}",
            bad.body
        );
    }
    // `tenant`: everyone in it.
    let open = app
        .send(put(&teacher, json!({"visibility": "tenant"})))
        .await;
    assert_eq!(
        (open.status, open.body["grants"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let late = app.token("late-1", TENANT, &[]);
    assert_eq!(app.get(&get, &late).await.status, 200);
}

async fn deleting_removes_it_here_and_at_daily_retrying_a_failure(db: TestDatabase) {
    let daily = daily().await;
    // Daily fails the first deletion, then succeeds: the clean-up queue
    // retries it in the background.
    Mock::given(method("DELETE"))
        .and(path("/recordings/rec-daily-1"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&daily)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/recordings/rec-daily-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .with_priority(2)
        .mount(&daily)
        .await;
    let url = daily.uri();
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
            ("DAILY_API_KEY", "daily-key"),
            ("DAILY_API_URL", url.as_str()),
            ("DAILY_ENABLE_RECORDING", "cloud"),
            ("LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS", "1"),
        ],
    )
    .await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = create(&app, &teacher).await;
    let rec = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // What Daily's `recording.started` webhook will tell us: its id.
    {
        use liveclass_persistence::schema::recordings;
        let mut conn = app.db.pool.get().unwrap();
        diesel::update(recordings::table.filter(recordings::id.eq(&rec)))
            .set(recordings::provider_recording_id.eq("rec-daily-1"))
            .execute(&mut *conn)
            .unwrap();
    }
    let url = app.url(&format!("/recordings/{rec}"));
    assert_eq!(
        status_only(app.client.delete(&url).bearer_auth(&student)).await,
        403
    );
    assert_eq!(
        status_only(app.client.delete(&url).bearer_auth(&teacher)).await,
        204
    );
    assert_eq!(
        app.get(&format!("/recordings/{rec}"), &teacher)
            .await
            .status,
        404
    );
    assert_eq!(
        status_only(app.client.delete(&url).bearer_auth(&teacher)).await,
        404
    );
    let list = app
        .get(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(list.body["recordings"], json!([]));
    // Deleted at Daily after the retries.
    for _ in 0..300 {
        if daily
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "DELETE" && r.url.path() == "/recordings/rec-daily-1")
            .count()
            >= 4
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let deletes = daily
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "DELETE" && r.url.path() == "/recordings/rec-daily-1")
        .count();
    assert!(deletes >= 4, "Daily saw {deletes} deletions");
    // The queue is empty again once Daily said yes.
    for _ in 0..50 {
        use liveclass_persistence::schema::video_cleanups;
        let mut conn = app.db.pool.get().unwrap();
        let left: i64 = video_cleanups::table
            .count()
            .get_result(&mut *conn)
            .unwrap();
        if left == 0 {
            return;
        }
        drop(conn);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the recording deletion stayed queued");
}

async fn the_seed_000_url_is_an_external_recording_and_jitsi_cannot_record(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = create(&app, &teacher).await;
    let refused = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (400, Some("recording_not_enabled"))
    );
    // Nothing happened to the class.
    assert_eq!(
        app.get(&format!("/live-classes/{id}"), &teacher).await.body["status"],
        "scheduled"
    );

    assert_eq!(
        app.post(&format!("/live-classes/{id}/start"), &teacher)
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(&format!("/live-classes/{id}/end"), &teacher)
            .await
            .status,
        200
    );
    let set = app
        .post_json(
            &format!("/live-classes/{id}/recording"),
            &teacher,
            &json!({"recordingUrl": "https://cdn.example/r.mp4"}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["message"], "Recording URL updated successfully");
    let list = app
        .get(&format!("/live-classes/{id}/recordings"), &student)
        .await;
    assert_eq!(list.status, 200);
    let external = &list.body["recordings"][0];
    assert_eq!(external["provider"], "external");
    assert_eq!(external["status"], "ready");
    assert_eq!(external["id"], id.as_str());
    assert_eq!(external["recordingUrl"], "https://cdn.example/r.mp4");
    assert_eq!(external["canAccess"], true);
    let one = app.get(&format!("/recordings/{id}"), &student).await;
    assert_eq!(
        (one.status, one.body["provider"].as_str()),
        (200, Some("external"))
    );
    let gone = app
        .client
        .delete(app.url(&format!("/recordings/{id}")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 400);
    // Ended classes are not recorded.
    let late = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(late.status, 400);
    let bad = app.get("/recordings/not-a-uuid", &teacher).await;
    assert_eq!(
        (bad.status, bad.body["code"].as_str()),
        (400, Some("invalid_id"))
    );
}

async fn a_signed_link_redirects_to_a_fresh_daily_link_and_a_bad_one_is_refused(db: TestDatabase) {
    let daily = daily().await;
    Mock::given(method("GET"))
        .and(path("/recordings/rec-daily-7/access-link"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "download_link": "https://daily-meeting-recordings.s3.amazonaws.com/x?Signature=fresh",
            "expires": 1_893_500_000
        })))
        .mount(&daily)
        .await;
    let app = daily_app(db, &daily).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &[]);
    let id = create(&app, &teacher).await;
    let rec = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not ready: no links.
    let one = app.get(&format!("/recordings/{rec}"), &teacher).await;
    assert!(one.body.get("accessLink").is_none(), "{}", one.body);
    // What Daily's webhooks will report: its id, and the file is ready.
    {
        use liveclass_persistence::schema::recordings;
        let mut conn = app.db.pool.get().unwrap();
        diesel::update(recordings::table.filter(recordings::id.eq(&rec)))
            .set((
                recordings::provider_recording_id.eq("rec-daily-7"),
                recordings::status.eq("ready"),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let one = app.get(&format!("/recordings/{rec}"), &teacher).await;
    assert_eq!(one.status, 200, "{}", one.body);
    let link = one.body["accessLink"]["url"].as_str().unwrap().to_owned();
    assert!(one.body["accessLink"]["expiresAt"].is_string());
    let download = one.body["downloadLink"].as_str().unwrap().to_owned();
    // The link is LiveClass's own: no Daily URL or credential in it.
    assert!(
        !link.contains("daily") && !download.contains("daily"),
        "{link}"
    );
    let path_and_query = link.split_once("/recordings/").unwrap().1;
    let followed = no_redirects
        .get(app.url(&format!("/recordings/{path_and_query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status().as_u16(), 302);
    assert_eq!(
        followed.headers()["location"],
        "https://daily-meeting-recordings.s3.amazonaws.com/x?Signature=fresh"
    );
    assert_eq!(followed.headers()["cache-control"], "no-store");

    // A tampered, a foreign or a missing token is refused.
    let tampered = format!("/recordings/{}x", path_and_query);
    let refused = app.send(no_redirects.get(app.url(&tampered))).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let other = format!(
        "/recordings/{id}/file?{}",
        path_and_query.split_once('?').unwrap().1
    );
    let refused = app.send(no_redirects.get(app.url(&other))).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let refused = app
        .send(no_redirects.get(app.url(&format!("/recordings/{rec}/file"))))
        .await;
    assert_eq!(refused.status, 400);

    // A student who may not watch gets no link from GET, and a link issued
    // before a grant was removed stops working.
    let access = format!("/recordings/{rec}/access");
    let grant =
        json!({"visibility": "private", "grants": [{"userId": "student-1", "level": "view"}]});
    assert_eq!(
        app.send(
            app.client
                .put(app.url(&access))
                .bearer_auth(&teacher)
                .json(&grant)
        )
        .await
        .status,
        200
    );
    let seen = app.get(&format!("/recordings/{rec}"), &student).await;
    assert!(seen.body.get("downloadLink").is_none(), "{}", seen.body);
    let student_link = seen.body["accessLink"]["url"].as_str().unwrap().to_owned();
    let student_path = format!(
        "/recordings/{}",
        student_link.split_once("/recordings/").unwrap().1
    );
    assert_eq!(
        no_redirects
            .get(app.url(&student_path))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        302
    );
    let revoke = json!({"visibility": "private"});
    assert_eq!(
        app.send(
            app.client
                .put(app.url(&access))
                .bearer_auth(&teacher)
                .json(&revoke)
        )
        .await
        .status,
        200
    );
    let refused = app.send(no_redirects.get(app.url(&student_path))).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("forbidden"))
    );
}

/// Daily's webhooks finish a recording LiveClass started: its
/// `recording.ready-to-download` (signed, stored, handled by the worker)
/// makes it `ready` with Daily's id, once; `recording.error` with nothing
/// running changes nothing.
async fn dailys_webhook_makes_a_stopped_recording_ready_once(db: TestDatabase) {
    use liveclass_http::provider_signature::{ProviderWebhookSecrets, sign_daily};
    const SECRET: &str = "ZGFpbHktdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";
    let daily = daily().await;
    let url = daily.uri();
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
            ("DAILY_API_KEY", "daily-key"),
            ("DAILY_API_URL", url.as_str()),
            ("DAILY_ENABLE_RECORDING", "cloud"),
            ("DAILY_WEBHOOK_SECRET", SECRET),
        ],
    )
    .await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let id = create(&app, &teacher).await;
    let class = app.get(&format!("/live-classes/{id}"), &teacher).await;
    let room = class.body["joinUrl"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let rec = app
        .post(&format!("/live-classes/{id}/recordings"), &teacher)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stopped = app
        .post(
            &format!("/live-classes/{id}/recordings/{rec}/stop"),
            &teacher,
        )
        .await;
    assert_eq!(stopped.body["status"], "processing");

    let key = ProviderWebhookSecrets::decode_daily(SECRET).unwrap();
    let send = |body: String| {
        let app = &app;
        let key = key.clone();
        async move {
            let ts = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                .to_string();
            let resp = app
                .client
                .post(app.url("/webhooks/daily"))
                .header("Content-Type", "application/json")
                .header("X-Webhook-Timestamp", &ts)
                .header(
                    "X-Webhook-Signature",
                    sign_daily(&key, &ts, body.as_bytes()),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };
    let ready = json!({"version": "1.0.0", "type": "recording.ready-to-download", "id": "rtd-1",
        "payload": {"recording_id": "rec-daily-9", "room_name": room, "start_ts": 1_700_000_000,
                    "status": "finished", "duration": 95},
        "event_ts": 1_700_000_100})
    .to_string();
    assert_eq!(send(ready.clone()).await["duplicate"], false);
    let mut found = Value::Null;
    for _ in 0..100 {
        found = app.get(&format!("/recordings/{rec}"), &teacher).await.body;
        if found["status"] == "ready" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found["status"], "ready", "{found}");
    assert_eq!(found["duration"], 95, "{found}");
    // The same delivery again, and the same report under another id.
    assert_eq!(send(ready.clone()).await["duplicate"], true);
    send(ready.replace("rtd-1", "rtd-2")).await;
    let error = json!({"version": "1.0.0", "type": "recording.error", "id": "err-1",
        "payload": {"action": "cloud-recording-err", "error_msg": "disk full", "instance_id": "i",
                    "room_name": room, "timestamp": 1_700_000_200},
        "event_ts": 1_700_000_200})
    .to_string();
    send(error).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let mut statuses = Vec::new();
    for _ in 0..100 {
        let events = app.get("/provider-events", &admin).await;
        statuses = events.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].as_str().unwrap().to_owned())
            .collect();
        if statuses.len() == 3 && !statuses.iter().any(|s| s == "received") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Newest first: the error (nothing running), the second ready (ready
    // already), the first (applied).
    assert_eq!(statuses, ["ignored", "ignored", "processed"]);
    let list = app
        .get(&format!("/live-classes/{id}/recordings"), &teacher)
        .await;
    assert_eq!(list.body["recordings"].as_array().unwrap().len(), 1);
}

on_both_backends!(
    dailys_webhook_makes_a_stopped_recording_ready_once,
    starting_and_stopping_records_without_ending_the_class,
    visibility_and_grants_decide_who_sees_a_recording,
    deleting_removes_it_here_and_at_daily_retrying_a_failure,
    the_seed_000_url_is_an_external_recording_and_jitsi_cannot_record,
    a_signed_link_redirects_to_a_fresh_daily_link_and_a_bad_one_is_refused,
);
