//! Provider webhooks through the real server: the secrets are read from
//! `DAILY_WEBHOOK_SECRET` and `ZOOM_WEBHOOK_SECRET`, Zoom's URL validation is
//! answered only when signed, Daily's ping gets its 200, and a server
//! without the secrets answers 503 `provider_webhook_not_configured`.

#![allow(clippy::unwrap_used)]

use liveclass_http::provider_signature::{ProviderWebhookSecrets, sign_daily, sign_zoom};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

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
    assert_eq!(
        post(&app, "/webhooks/zoom", event, &zoom(event)).await,
        (200, json!({"received": true}))
    );

    let key = ProviderWebhookSecrets::decode_daily(DAILY_SECRET).unwrap();
    let daily = r#"{"version":"1.0.0","type":"meeting.started","id":"ev1","payload":{"start_ts":1700000000,"meeting_id":"m1","room":"class-1"},"event_ts":1700000001}"#;
    let signed = vec![
        ("X-Webhook-Timestamp", ts.clone()),
        (
            "X-Webhook-Signature",
            sign_daily(&key, &ts, daily.as_bytes()),
        ),
    ];
    assert_eq!(
        post(&app, "/webhooks/daily", daily, &signed).await,
        (200, json!({"received": true}))
    );
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
