//! Webhooks to the platform over real HTTP, on SQLite and PostgreSQL:
//! endpoint management, deliveries to a real local receiver verified with
//! the official Standard Webhooks libraries (the Rust crate, and the Python
//! package run from `.tools/webhooks-venv`, which `make test` installs with
//! `tests/webhooks/python-env`), retries, `410`, secret rotation and the
//! SSRF guard.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_with};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "acme";
// 32 bytes, base64.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

async fn app(db: TestDatabase, allow_private: &str) -> TestApp {
    spawn_app_with(
        db,
        &[
            ("LIVECLASS_SECRETS_KEY", KEY),
            ("LIVECLASS_WEBHOOK_ALLOW_PRIVATE", allow_private),
            ("LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS", "50"),
            ("LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS", "0,1,1"),
        ],
    )
    .await
}

async fn create_class(app: &TestApp, teacher: &str) -> String {
    let created = app
        .post_json(
            "/live-classes",
            teacher,
            &json!({"tenantId": TENANT, "title": "Hooks", "scheduledAt": "2030-11-20T14:00:00Z"}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn create_endpoint(app: &TestApp, admin: &str, url: &str, types: Value) -> (String, String) {
    let reply = app
        .post_json(
            "/webhook-endpoints",
            admin,
            &json!({"url": url, "eventTypes": types, "description": "LMS"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    (
        reply.body["id"].as_str().unwrap().to_owned(),
        reply.body["secret"].as_str().unwrap().to_owned(),
    )
}

/// The requests the receiver got, once there are at least `n`.
async fn received(server: &MockServer, n: usize) -> Vec<wiremock::Request> {
    for _ in 0..200 {
        let got = server.received_requests().await.unwrap_or_default();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the receiver did not get {n} requests within 10 s");
}

/// Verifies with the official library (it checks the timestamp against now).
fn verify(secret: &str, request: &wiremock::Request) -> Result<(), String> {
    let mut headers = http::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let value = request.headers.get(name).ok_or(format!("no {name}"))?;
        headers.insert(
            name,
            http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    standardwebhooks::Webhook::new(secret)
        .map_err(|e| e.to_string())?
        .verify(&request.body, &headers)
        .map_err(|e| e.to_string())
}

/// Whether the official Python library is installed (`make test` installs
/// it when python3 is there); without it, outside CI, the Python check is
/// skipped with a notice and the Rust library's check still runs.
fn python_library() -> bool {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    liveclass_tests::tool_available(
        "the official Python Standard Webhooks library",
        root.join(".tools/webhooks-venv/bin/python").exists(),
        "install python3 with venv, then run `bash tests/webhooks/python-env`",
    )
}

/// Verifies with the official Python library (`tests/webhooks/verify.py`).
fn verify_in_python(secret: &str, request: &wiremock::Request) -> Result<String, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".tools/webhooks-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash tests/webhooks/python-env` (make test does)",
        python.display()
    );
    let mut headers = serde_json::Map::new();
    for (name, value) in &request.headers {
        headers.insert(name.to_string(), json!(value.to_str().unwrap()));
    }
    let delivery = json!({
        "headers": headers,
        "body": String::from_utf8(request.body.clone()).unwrap(),
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), delivery.to_string()).unwrap();
    let out = std::process::Command::new(python)
        .arg(root.join("tests/webhooks/verify.py"))
        .arg(secret)
        .arg(file.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{stdout} {}", String::from_utf8_lossy(&out.stderr)))
    }
}

async fn deliveries(app: &TestApp, admin: &str, endpoint: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("/webhook-endpoints/{endpoint}/deliveries"), admin)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["data"].as_array().unwrap().clone()
}

async fn endpoints_are_managed_by_org_admins_with_validated_input(db: TestDatabase) {
    let app = app(db, "1").await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let body = json!({"url": "https://lms.example.com/hooks"});
    let refused = app.post_json("/webhook-endpoints", &manager, &body).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(app.get("/webhook-endpoints", &manager).await.status, 403);

    for (bad, code) in [
        (json!({"url": "ftp://x.example/"}), "validation_failed"),
        (json!({"url": "not a url"}), "validation_failed"),
        (
            json!({"url": "https://x.example/", "eventTypes": ["class.exploded"]}),
            "validation_failed",
        ),
        (
            json!({"url": "https://x.example/", "colour": "red"}),
            "invalid_body",
        ),
    ] {
        let reply = app.post_json("/webhook-endpoints", &admin, &bad).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some(code)),
            "{bad}"
        );
    }

    let (id, secret) = create_endpoint(
        &app,
        &admin,
        "http://127.0.0.1:9/hooks",
        json!(["class.created"]),
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let key = standardwebhooks::Webhook::new(&secret);
    assert!(key.is_ok());
    let got = app.get(&format!("/webhook-endpoints/{id}"), &admin).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["eventTypes"], json!(["class.created"]));
    assert!(
        got.body.get("secret").is_none(),
        "the secret is shown only once"
    );
    let list = app.get("/webhook-endpoints", &admin).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert!(!list.body.to_string().contains(&secret));

    let changed = app
        .patch_json(
            &format!("/webhook-endpoints/{id}"),
            &admin,
            &json!({"enabled": false, "eventTypes": []}),
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["enabled"], false);
    assert_eq!(changed.body["eventTypes"], json!([]));

    // Another tenant sees nothing.
    let other = app.token("admin-2", "globex", &["org_admin"]);
    let hidden = app.get(&format!("/webhook-endpoints/{id}"), &other).await;
    assert_eq!(
        (hidden.status, hidden.body["code"].as_str()),
        (404, Some("webhook_endpoint_not_found"))
    );

    let deleted = app
        .client
        .delete(app.url(&format!("/webhook-endpoints/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.get(&format!("/webhook-endpoints/{id}"), &admin)
            .await
            .status,
        404
    );
}

async fn events_are_delivered_signed_and_verified_by_the_reference_library(db: TestDatabase) {
    let app = app(db, "1").await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let (endpoint, secret) = create_endpoint(
        &app,
        &admin,
        &format!("{}/hooks", receiver.uri()),
        json!(["class.created", "class.started"]),
    )
    .await;
    let class = create_class(&app, &teacher).await;
    assert_eq!(
        app.post(&format!("/live-classes/{class}/start"), &teacher)
            .await
            .status,
        200
    );

    let got = received(&receiver, 2).await;
    let mut types = Vec::new();
    for request in &got {
        verify(&secret, request).unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        if python_library() {
            assert_eq!(verify_in_python(&secret, request).unwrap(), body["type"]);
        }
        assert_eq!(
            request
                .headers
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap(),
            "application/json"
        );
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["data"]["liveClassId"], class.as_str());
        assert_eq!(
            request.headers.get("webhook-id").unwrap().to_str().unwrap(),
            body["data"]["eventId"].as_str().unwrap()
        );
        assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
        types.push(body["type"].as_str().unwrap().to_owned());
    }
    types.sort();
    assert_eq!(types, ["class.created", "class.started"]);
    // A tampered body fails the reference verification.
    let mut tampered = got[0].clone();
    tampered.body = b"{}".to_vec();
    assert!(verify(&secret, &tampered).is_err());
    if python_library() {
        assert!(verify_in_python(&secret, &tampered).is_err());
    }

    for _ in 0..100 {
        let list = deliveries(&app, &admin, &endpoint).await;
        if list.len() == 2 && list.iter().all(|d| d["status"] == "delivered") {
            assert!(
                list.iter()
                    .all(|d| d["attempts"] == 1 && d["lastStatusCode"] == 204)
            );
            // Only the filtered types were delivered: no participant events.
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(receiver.received_requests().await.unwrap().len(), 2);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("deliveries not recorded as delivered");
}

async fn failures_are_retried_on_the_schedule_then_failed_and_410_disables(db: TestDatabase) {
    let app = app(db, "1").await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&failing)
        .await;
    let gone = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(410))
        .mount(&gone)
        .await;
    let (failing_id, _) =
        create_endpoint(&app, &admin, &failing.uri(), json!(["class.created"])).await;
    let (gone_id, _) = create_endpoint(&app, &admin, &gone.uri(), json!(["class.created"])).await;
    create_class(&app, &teacher).await;

    // Schedule 0,1,1: three attempts, the same webhook-id each time.
    let got = received(&failing, 3).await;
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers.get("webhook-id").unwrap().to_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    for _ in 0..100 {
        let list = deliveries(&app, &admin, &failing_id).await;
        if list[0]["status"] == "failed" {
            assert_eq!(list[0]["attempts"], 3);
            assert_eq!(list[0]["lastStatusCode"], 500);
            assert_eq!(list[0]["nextAttemptAt"], Value::Null);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(failing.received_requests().await.unwrap().len(), 3);
    let list = deliveries(&app, &admin, &failing_id).await;
    assert_eq!(list[0]["status"], "failed");

    // A manual retry makes it due again.
    let retried = app
        .post(
            &format!(
                "/webhook-endpoints/{failing_id}/deliveries/{}/retry",
                list[0]["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(retried.status, 202, "{:?}", retried.body);
    received(&failing, 4).await;

    // 410 disables the endpoint after one attempt.
    received(&gone, 1).await;
    for _ in 0..100 {
        let e = app
            .get(&format!("/webhook-endpoints/{gone_id}"), &admin)
            .await;
        if e.body["enabled"] == false {
            let list = deliveries(&app, &admin, &gone_id).await;
            assert_eq!(list[0]["status"], "failed");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("410 did not disable the endpoint");
}

async fn after_a_rotation_deliveries_carry_both_signatures(db: TestDatabase) {
    let app = app(db, "1").await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let (endpoint, old) =
        create_endpoint(&app, &admin, &receiver.uri(), json!(["class.created"])).await;
    let rotated = app
        .post(
            &format!("/webhook-endpoints/{endpoint}/secret/rotate"),
            &admin,
        )
        .await;
    assert_eq!(rotated.status, 200, "{:?}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated.body["previousSecretExpiresAt"].is_string());
    create_class(&app, &teacher).await;
    let got = received(&receiver, 1).await;
    let signatures = got[0]
        .headers
        .get("webhook-signature")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    verify(&new, &got[0]).unwrap();
    verify(&old, &got[0]).unwrap();
    if python_library() {
        verify_in_python(&new, &got[0]).unwrap();
        verify_in_python(&old, &got[0]).unwrap();
    }
}

async fn private_targets_are_refused_without_allow_private(db: TestDatabase) {
    let app = app(db, "0").await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    for url in [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fd00:ec2::254]/",
    ] {
        let reply = app
            .post_json("/webhook-endpoints", &admin, &json!({"url": url}))
            .await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some("webhook_target_refused")),
            "{url}: {:?}",
            reply.body
        );
    }
}

async fn without_a_secrets_key_endpoints_cannot_be_created(db: TestDatabase) {
    let app = spawn_app_with(db, &[("LIVECLASS_WEBHOOK_ALLOW_PRIVATE", "1")]).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let reply = app
        .post_json(
            "/webhook-endpoints",
            &admin,
            &json!({"url": "http://127.0.0.1:9/"}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (503, Some("webhook_secrets_unavailable")),
        "{:?}",
        reply.body
    );
}

on_both_backends!(
    endpoints_are_managed_by_org_admins_with_validated_input,
    events_are_delivered_signed_and_verified_by_the_reference_library,
    failures_are_retried_on_the_schedule_then_failed_and_410_disables,
    after_a_rotation_deliveries_carry_both_signatures,
    private_targets_are_refused_without_allow_private,
    without_a_secrets_key_endpoints_cannot_be_created,
);
