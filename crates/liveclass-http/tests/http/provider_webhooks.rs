//! `POST /webhooks/daily` and `POST /webhooks/zoom` through the app: the
//! signature over the raw body decides (401 `invalid_signature` otherwise),
//! stale timestamps are refused, Zoom's URL validation is answered only when
//! signed (no signing oracle), Daily's creation ping gets its 200, and an
//! unconfigured secret is a 503 `provider_webhook_not_configured`.

#![allow(clippy::unwrap_used)]

use crate::common;

use actix_web::http::StatusCode;
use actix_web::test as atest;
use liveclass_domain::provider_events::{MockProviderEvents, ReceiveOutcome};
use liveclass_http::provider_signature::{
    ProviderWebhookSecrets, sign_daily, sign_zoom, zoom_encrypted_token,
};
use serde_json::{Value, json};

const ZOOM_SECRET: &[u8] = b"test_secret_token";
const DAILY_SECRET_B64: &str = "ZGFpbHktdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";

/// The stored delivery's id the fake inbox answers, and the body it expects.
const STORED: uuid::Uuid = uuid::Uuid::from_u128(7);

fn configured() -> liveclass_http::AppState {
    let mut services = common::mocked_services();
    // An inbox that stores each (provider, external id) once.
    let mut inbox = MockProviderEvents::new();
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    inbox
        .expect_receive()
        .returning(move |provider, external_id, event_type, body| {
            assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
            assert!(!event_type.is_empty());
            let fresh = seen
                .lock()
                .unwrap()
                .insert((provider.to_owned(), external_id));
            Ok(if fresh {
                ReceiveOutcome::Stored(STORED)
            } else {
                ReceiveOutcome::Duplicate(STORED)
            })
        });
    services.provider_events = std::sync::Arc::new(inbox);
    let mut state = common::state(services, &common::hs256());
    state.provider_webhooks = ProviderWebhookSecrets {
        daily: Some(ProviderWebhookSecrets::decode_daily(DAILY_SECRET_B64).unwrap()),
        zoom: Some(ZOOM_SECRET.to_vec()),
    };
    state
}

fn now() -> String {
    chrono::Utc::now().timestamp().to_string()
}

fn post(path: &str, body: &str, headers: &[(&str, &str)]) -> actix_http::Request {
    let mut req = atest::TestRequest::post()
        .uri(path)
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_owned());
    for (name, value) in headers {
        req = req.insert_header((*name, *value));
    }
    req.to_request()
}

/// Calls the app; the status and the JSON answer (`null` when not JSON).
macro_rules! call {
    ($app:expr, $req:expr) => {{
        let resp = atest::call_service($app, $req).await;
        let status = resp.status();
        let body = atest::read_body(resp).await;
        (
            status,
            serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null),
        )
    }};
}

#[actix_web::test]
async fn zoom_deliveries_are_verified_over_the_raw_body() {
    let app = atest::init_service(liveclass_http::app(configured())).await;
    // Not compact JSON: the raw bytes are signed, never a re-serialisation.
    let body =
        r#"{ "event": "meeting.started", "event_ts": 1, "payload": {"object": {"uuid": "u=="}} }"#;
    let ts = now();
    let sig = sign_zoom(ZOOM_SECRET, &ts, body.as_bytes());
    let headers = [
        ("x-zm-signature", sig.as_str()),
        ("x-zm-request-timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/zoom", body, &headers));
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({"received": true, "eventId": STORED.to_string(), "duplicate": false})
    );
    // Zoom's retry of the same event (other whitespace and key order, same
    // event, time and payload) is the same delivery.
    let retry = r#"{"payload":{"object":{"uuid":"u=="}},"event_ts":1,"event":"meeting.started"}"#;
    let sig = sign_zoom(ZOOM_SECRET, &ts, retry.as_bytes());
    let retry_headers = [
        ("x-zm-signature", sig.as_str()),
        ("x-zm-request-timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/zoom", retry, &retry_headers));
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["duplicate"], true);

    // The same signature over other bytes, no signature, a stale one.
    let tampered = body.replace("started", "ended");
    let (status, answer) = call!(&app, post("/webhooks/zoom", &tampered, &headers));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["code"], "invalid_signature");
    let (status, answer) = call!(&app, post("/webhooks/zoom", body, &[]));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["code"], "invalid_signature");
    let old = (chrono::Utc::now().timestamp() - 301).to_string();
    let old_sig = sign_zoom(ZOOM_SECRET, &old, body.as_bytes());
    let stale = [
        ("x-zm-signature", old_sig.as_str()),
        ("x-zm-request-timestamp", old.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/zoom", body, &stale));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        answer["message"].as_str().unwrap().contains("5 minutes"),
        "{answer}"
    );

    // Signed, but not an event: 400, never 500.
    for bad in ["[1]", "not json", r#"{"payload":{}}"#] {
        let sig = sign_zoom(ZOOM_SECRET, &ts, bad.as_bytes());
        let headers = [
            ("x-zm-signature", sig.as_str()),
            ("x-zm-request-timestamp", ts.as_str()),
        ];
        let (status, answer) = call!(&app, post("/webhooks/zoom", bad, &headers));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer["code"], "invalid_body");
    }
}

#[actix_web::test]
async fn zoom_url_validation_is_answered_only_when_signed() {
    let app = atest::init_service(liveclass_http::app(configured())).await;
    // Zoom's own CRC body (events-webhooks-attendance.md §4.2).
    let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let ts = now();
    let sig = sign_zoom(ZOOM_SECRET, &ts, body.as_bytes());
    let headers = [
        ("x-zm-signature", sig.as_str()),
        ("x-zm-request-timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/zoom", body, &headers));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer,
        json!({
            "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
            // The reference vector for this token and secret.
            "encryptedToken": "4efea922935c335d972476de138d2208a0d46ab28c79ee592d497a1b216419b8",
        })
    );

    // Signing-oracle refusal: an unsigned (or wrongly signed) challenge
    // whose plainToken is a signing string for a forged event gets nothing.
    let forged = r#"{"event":"meeting.ended","payload":{}}"#;
    let plain = format!("v0:{ts}:{forged}");
    let challenge =
        json!({"event": "endpoint.url_validation", "payload": {"plainToken": plain}}).to_string();
    for headers in [
        vec![],
        vec![("x-zm-request-timestamp", ts.as_str())],
        vec![
            ("x-zm-signature", "v0=00"),
            ("x-zm-request-timestamp", ts.as_str()),
        ],
    ] {
        let (status, answer) = call!(&app, post("/webhooks/zoom", &challenge, &headers));
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(answer["code"], "invalid_signature");
        assert!(answer.get("encryptedToken").is_none());
        assert!(
            !answer
                .to_string()
                .contains(&zoom_encrypted_token(ZOOM_SECRET, &plain)[2..])
        );
    }

    // A signed challenge without a usable plainToken is a 400.
    let body = r#"{"event":"endpoint.url_validation","payload":{"plainToken":7}}"#;
    let sig = sign_zoom(ZOOM_SECRET, &ts, body.as_bytes());
    let headers = [
        ("x-zm-signature", sig.as_str()),
        ("x-zm-request-timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/zoom", body, &headers));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "invalid_body");
}

#[actix_web::test]
async fn daily_deliveries_are_verified_and_its_ping_answered() {
    let app = atest::init_service(liveclass_http::app(configured())).await;
    let key = ProviderWebhookSecrets::decode_daily(DAILY_SECRET_B64).unwrap();
    let body = r#"{"version":"1.0.0","type":"meeting.started","id":"ev1","payload":{"start_ts":1700000000,"meeting_id":"m1","room":"class-1"},"event_ts":1700000001}"#;
    let ts = now();
    let sig = sign_daily(&key, &ts, body.as_bytes());
    let headers = [
        ("X-Webhook-Signature", sig.as_str()),
        ("X-Webhook-Timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/daily", body, &headers));
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({"received": true, "eventId": STORED.to_string(), "duplicate": false})
    );
    // Replayed: the same envelope id is the same delivery.
    let (_, answer) = call!(&app, post("/webhooks/daily", body, &headers));
    assert_eq!(answer["duplicate"], true);

    // Signed with the base64 text itself (not decoded): refused.
    let wrong = sign_daily(DAILY_SECRET_B64.as_bytes(), &ts, body.as_bytes());
    let headers = [
        ("X-Webhook-Signature", wrong.as_str()),
        ("X-Webhook-Timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/daily", body, &headers));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["code"], "invalid_signature");
    // Unsigned event: refused.
    let (status, _) = call!(&app, post("/webhooks/daily", body, &[]));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Stale: refused.
    let old = (chrono::Utc::now().timestamp() - 600).to_string();
    let sig = sign_daily(&key, &old, body.as_bytes());
    let headers = [
        ("X-Webhook-Signature", sig.as_str()),
        ("X-Webhook-Timestamp", old.as_str()),
    ];
    let (status, _) = call!(&app, post("/webhooks/daily", body, &headers));
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The creation ping, unsigned.
    let (status, answer) = call!(&app, post("/webhooks/daily", r#"{"test":"test"}"#, &[]));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, json!({"received": true}));

    // Signed but without the envelope's `id`: 400.
    let body = r#"{"version":"1.0.0","type":"meeting.started","payload":{}}"#;
    let sig = sign_daily(&key, &ts, body.as_bytes());
    let headers = [
        ("X-Webhook-Signature", sig.as_str()),
        ("X-Webhook-Timestamp", ts.as_str()),
    ];
    let (status, answer) = call!(&app, post("/webhooks/daily", body, &headers));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "invalid_body");
}

#[actix_web::test]
async fn an_unconfigured_provider_answers_503() {
    let state = common::state(common::mocked_services(), &common::hs256());
    let app = atest::init_service(liveclass_http::app(state)).await;
    for path in ["/webhooks/daily", "/webhooks/zoom"] {
        let (status, answer) = call!(&app, post(path, r#"{"test":"test"}"#, &[]));
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(answer["code"], "provider_webhook_not_configured");
    }
}
