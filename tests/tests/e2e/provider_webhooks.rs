//! Provider webhooks through the real server: the secrets are read from
//! `DAILY_WEBHOOK_SECRET` and `ZOOM_WEBHOOK_SECRET`, Zoom's URL validation is
//! answered only when signed, Daily's ping gets its 200, and a server
//! without the secrets answers 503 `provider_webhook_not_configured`. Then
//! the whole path of a Zoom class's webhooks: stored, handled by the
//! worker, the class started and ended by its meeting, a participant's
//! screen sharing set from Zoom's sharing events, and the deliveries listed
//! for the tenant's organisation admins.

#![allow(clippy::unwrap_used)]

use liveclass_http::provider_signature::{ProviderWebhookSecrets, sign_daily, sign_zoom};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZOOM_SECRET: &str = "test_secret_token";
const DAILY_SECRET: &str = "ZGFpbHktdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";

async fn post(app: &TestApp, path: &str, body: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url(path))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[tokio::test]
async fn signed_deliveries_are_accepted_and_unsigned_challenges_refused() {
    let app = spawn_app_with(
        TestDatabase::sqlite(),
        &[
            ("ZOOM_WEBHOOK_SECRET", ZOOM_SECRET),
            ("DAILY_WEBHOOK_SECRET", DAILY_SECRET),
        ],
    )
    .await;

    let crc = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let ts = now();
    let zoom = |body: &str| {
        vec![
            ("x-zm-request-timestamp", ts.clone()),
            (
                "x-zm-signature",
                sign_zoom(ZOOM_SECRET.as_bytes(), &ts, body.as_bytes()),
            ),
        ]
    };
    assert_eq!(
        post(&app, "/webhooks/zoom", crc, &zoom(crc)).await,
        (
            200,
            json!({"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": "4efea922935c335d972476de138d2208a0d46ab28c79ee592d497a1b216419b8"})
        )
    );
    let (status, answer) = post(&app, "/webhooks/zoom", crc, &[]).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("invalid_signature"))
    );

    let event = r#"{"event":"meeting.ended","event_ts":1,"payload":{"object":{"uuid":"u=="}}}"#;
    let (status, answer) = post(&app, "/webhooks/zoom", event, &zoom(event)).await;
    assert_eq!((status, &answer["received"]), (200, &json!(true)));
    assert_eq!(answer["duplicate"], false);

    let key = ProviderWebhookSecrets::decode_daily(DAILY_SECRET).unwrap();
    let daily = r#"{"version":"1.0.0","type":"meeting.started","id":"ev1","payload":{"start_ts":1700000000,"meeting_id":"m1","room":"class-1"},"event_ts":1700000001}"#;
    let signed = vec![
        ("X-Webhook-Timestamp", ts.clone()),
        (
            "X-Webhook-Signature",
            sign_daily(&key, &ts, daily.as_bytes()),
        ),
    ];
    let (status, answer) = post(&app, "/webhooks/daily", daily, &signed).await;
    assert_eq!((status, &answer["duplicate"]), (200, &json!(false)));
    // Replayed: stored once.
    let (status, again) = post(&app, "/webhooks/daily", daily, &signed).await;
    assert_eq!((status, &again["duplicate"]), (200, &json!(true)));
    assert_eq!(again["eventId"], answer["eventId"]);
    let (status, answer) = post(&app, "/webhooks/daily", daily, &[]).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("invalid_signature"))
    );
    assert_eq!(
        post(&app, "/webhooks/daily", r#"{"test":"test"}"#, &[]).await,
        (200, json!({"received": true}))
    );
}

#[tokio::test]
async fn without_secrets_the_endpoints_answer_503() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    for path in ["/webhooks/daily", "/webhooks/zoom"] {
        let (status, answer) = post(&app, path, r#"{"test":"test"}"#, &[]).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (503, Some("provider_webhook_not_configured")),
            "{path}"
        );
    }
}

const MEETING: &str = "85746065432";

async fn zoom_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "zoom-access", "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/users/me/meetings"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 85_746_065_432_i64, "topic": "Rust 101", "type": 2,
            "join_url": "https://zoom.us/j/85746065432",
            "start_url": "https://zoom.us/s/85746065432?zak=fresh",
        })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Sends a Zoom event about the class's meeting, signed now.
async fn zoom_event(app: &TestApp, event: &str, object: &Value) -> Value {
    let body = json!({
        "event": event,
        "event_ts": chrono_ms(),
        "payload": {"account_id": "acc", "object": object},
    })
    .to_string();
    let ts = now();
    let headers = vec![
        ("x-zm-request-timestamp", ts.clone()),
        (
            "x-zm-signature",
            sign_zoom(ZOOM_SECRET.as_bytes(), &ts, body.as_bytes()),
        ),
    ];
    let (status, answer) = post(app, "/webhooks/zoom", &body, &headers).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn chrono_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// Polls `check` on `path` until it holds (the worker runs every 500 ms).

#[tokio::test]
async fn a_zoom_meetings_webhooks_drive_its_class_and_a_participants_screen_sharing() {
    let zoom = zoom_api().await;
    let api = format!("{}/v2", zoom.uri());
    let oauth = format!("{}/oauth/token", zoom.uri());
    let app = spawn_app_with(
        TestDatabase::sqlite(),
        &[
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "csecret"),
            ("ZOOM_API_URL", api.as_str()),
            ("ZOOM_OAUTH_URL", oauth.as_str()),
            ("ZOOM_WEBHOOK_SECRET", ZOOM_SECRET),
        ],
    )
    .await;
    let tenant = "tenant-zoom";
    let teacher = app.token("teacher-1", tenant, &["training_manager"]);
    let student = app.token("student-1", tenant, &[]);
    let admin = app.token("admin-1", tenant, &["org_admin"]);
    let stranger = app.token("admin-2", "tenant-other", &["org_admin"]);
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Rust 101", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 30}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let class_path = format!("/live-classes/{id}");

    // The host opens the meeting in Zoom: the class goes live.
    zoom_event(
        &app,
        "meeting.started",
        &json!({"id": MEETING, "uuid": "u==", "start_time": "2030-01-01T00:00:00Z"}),
    )
    .await;
    app.eventually(&class_path, &teacher, |c| c["status"] == "live")
        .await;

    // The student joins through LiveClass, then through Zoom; their join
    // carries their LiveClass user id as `customer_key`.
    assert_eq!(
        app.post(&format!("{class_path}/join"), &student)
            .await
            .status,
        200
    );
    let participant = json!({"id": "p-1", "user_id": "16778240", "user_name": "Stu", "customer_key": "student-1", "join_time": "2030-01-01T00:01:00Z"});
    zoom_event(
        &app,
        "meeting.participant_joined",
        &json!({"id": MEETING, "participant": participant}),
    )
    .await;
    let sharing = json!({"id": MEETING, "participant": {"id": "p-1", "user_name": "Stu", "sharing_details": {"content": "application"}}});
    let first = zoom_event(&app, "meeting.sharing_started", &sharing).await;
    let participants = format!("{class_path}/participants");
    let sharer = |list: &Value| {
        list["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["userId"] == "student-1")
            .map(|p| p["screenSharing"].clone())
    };
    app.eventually(&participants, &teacher, |l| sharer(l) == Some(json!(true)))
        .await;

    // The deliveries, for the tenant's organisation admins only.
    let events = app
        .eventually("/provider-events?status=processed", &admin, |l| {
            l["data"].as_array().unwrap().len() == 3
        })
        .await;
    let first_id = first["eventId"].as_str().unwrap();
    let listed = events["data"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .all(|e| e["liveClassId"] == id.as_str() && e["provider"] == "zoom")
    );
    assert_eq!(listed[0]["id"], first_id, "newest first");
    assert_eq!(listed[0]["body"]["event"], "meeting.sharing_started");
    assert_eq!(app.get("/provider-events", &teacher).await.status, 403);
    let theirs = app.get("/provider-events", &stranger).await;
    assert_eq!(theirs.body["data"], json!([]));
    assert_eq!(
        app.get("/provider-events?limit=0", &admin).await.status,
        400
    );
    assert_eq!(
        app.get("/provider-events?status=done", &admin).await.status,
        400
    );
    let reprocess = format!("/provider-events/{first_id}/reprocess");
    assert_eq!(app.post(&reprocess, &stranger).await.status, 404);
    assert_eq!(
        app.post("/provider-events/nope/reprocess", &admin)
            .await
            .status,
        400
    );
    let again = app.post(&reprocess, &admin).await;
    assert_eq!(
        (again.status, &again.body["status"]),
        (202, &json!("received"))
    );
    // Handled again: still sharing, and no second event (idempotent).
    app.eventually("/provider-events?status=processed", &admin, |l| {
        l["data"].as_array().unwrap().len() == 3
    })
    .await;

    zoom_event(&app, "meeting.sharing_ended", &sharing).await;
    app.eventually(&participants, &teacher, |l| sharer(l) == Some(json!(false)))
        .await;

    // Zoom's cloud recording of the meeting is ready: stored with its files.
    let files = json!([
        {"id": "f-video", "file_type": "MP4", "file_extension": "MP4", "file_size": 282_825,
         "recording_type": "shared_screen_with_speaker_view",
         "recording_start": "2030-01-01T00:00:00Z", "recording_end": "2030-01-01T00:50:00Z"},
        {"id": "f-chat", "file_type": "CHAT", "file_extension": "TXT", "recording_type": "chat_file"}
    ]);
    zoom_event(
        &app,
        "recording.completed",
        &json!({"id": MEETING, "uuid": "u==", "duration": 50,
        "start_time": "2030-01-01T00:00:00Z", "recording_files": files}),
    )
    .await;
    let recordings = app
        .eventually(&format!("{class_path}/recordings"), &teacher, |l| {
            l["recordings"].as_array().is_some_and(|r| !r.is_empty())
        })
        .await;
    let recording = &recordings["recordings"][0];
    assert_eq!(
        (&recording["status"], &recording["provider"]),
        (&json!("ready"), &json!("zoom"))
    );
    assert_eq!(recording["duration"], 3000);
    let kinds: Vec<&str> = recording["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["chat", "video"], "in file-id order");
    assert_eq!(recording["files"][1]["format"], "mp4");
    assert_eq!(recording["files"][1]["sizeBytes"], 282_825);

    // The meeting ends in Zoom: so does the class.
    zoom_event(
        &app,
        "meeting.ended",
        &json!({"id": MEETING, "uuid": "u==", "end_time": "2030-01-01T00:00:00Z"}),
    )
    .await;
    app.eventually(&class_path, &teacher, |c| c["status"] == "ended")
        .await;
    // The student's attendance has both LiveClass's stay and Zoom's session.
    let attendance = app.get(&format!("{class_path}/attendance"), &teacher).await;
    assert_eq!(attendance.status, 200, "{}", attendance.body);
    let student_row = attendance.body["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["userId"] == "student-1")
        .unwrap()
        .clone();
    assert_eq!(
        student_row["sources"],
        json!(["app", "provider"]),
        "{student_row}"
    );
    // A meeting no class owns is ignored, and visible to nobody.
    zoom_event(&app, "meeting.started", &json!({"id": "999", "uuid": "x"})).await;
    zoom.verify().await;
}
