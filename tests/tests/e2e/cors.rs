//! CORS: preflights and actual requests from an allowed origin, from another
//! origin, and with CORS off (the default).

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, spawn_app, spawn_app_with};
use reqwest::Method;
use reqwest::header::HeaderMap;

const APP: &str = "https://app.example.org";

async fn preflight(app: &TestApp, origin: &str, method: &str, headers: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/live-classes"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

#[tokio::test]
async fn an_allowed_origin_gets_preflights_and_readable_answers() {
    let app = spawn_app_with(
        TestDatabase::sqlite(),
        &[(
            "LIVECLASS_CORS_ORIGINS",
            "https://app.example.org, http://localhost:3000",
        )],
    )
    .await;

    let answer = preflight(
        &app,
        APP,
        "POST",
        "authorization, content-type, idempotency-key",
    )
    .await;
    assert_eq!(answer.status(), 204);
    let h = answer.headers();
    assert_eq!(header(h, "access-control-allow-origin"), Some(APP));
    let methods = list(header(h, "access-control-allow-methods"));
    for m in ["get", "post", "patch", "put", "delete"] {
        assert!(methods.contains(&m.to_owned()), "{methods:?}");
    }
    let allowed = list(header(h, "access-control-allow-headers"));
    for name in [
        "authorization",
        "content-type",
        "idempotency-key",
        "last-event-id",
    ] {
        assert!(allowed.contains(&name.to_owned()), "{allowed:?}");
    }
    assert!(header(h, "access-control-max-age").is_some());
    assert!(list(header(h, "vary")).contains(&"origin".to_owned()));
    // Credentials are off.
    assert_eq!(header(h, "access-control-allow-credentials"), None);

    // The actual request: the origin is echoed, the headers exposed; errors too.
    let token = app.token("student-1", "acme", &[]);
    let listed = app
        .client
        .get(app.url("/live-classes"))
        .header("Origin", APP)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let h = listed.headers();
    assert_eq!(header(h, "access-control-allow-origin"), Some(APP));
    let exposed = list(header(h, "access-control-expose-headers"));
    for name in ["x-request-id", "retry-after", "location"] {
        assert!(exposed.contains(&name.to_owned()), "{exposed:?}");
    }
    assert!(h.contains_key("x-request-id"));
    assert_eq!(header(h, "access-control-allow-credentials"), None);

    let unauthorized = app
        .client
        .get(app.url("/live-classes"))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(
        header(unauthorized.headers(), "access-control-allow-origin"),
        Some("http://localhost:3000")
    );
}

#[tokio::test]
async fn another_origin_gets_no_cors_headers_and_is_not_refused() {
    let app = spawn_app_with(TestDatabase::sqlite(), &[("LIVECLASS_CORS_ORIGINS", APP)]).await;
    for origin in [
        "https://evil.example.org",
        "http://app.example.org",
        "https://app.example.org:444",
    ] {
        let answer = preflight(&app, origin, "POST", "authorization").await;
        assert_ne!(answer.status(), 204, "{origin}");
        assert_eq!(
            header(answer.headers(), "access-control-allow-origin"),
            None,
            "{origin}"
        );
        assert_eq!(
            header(answer.headers(), "access-control-allow-methods"),
            None
        );
        // Still the JSON error shape.
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "method_not_allowed", "{origin}");
    }
    // A request that needs no preflight is served (the browser, not the
    // server, keeps the answer from the page).
    let answer = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://evil.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(answer.headers(), "access-control-allow-origin"),
        None
    );
}

#[tokio::test]
async fn without_configured_origins_there_is_no_cors() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let answer = preflight(&app, APP, "GET", "authorization").await;
    assert_eq!(answer.status(), 405);
    assert_eq!(
        header(answer.headers(), "access-control-allow-origin"),
        None
    );
    let answer = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", APP)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    for name in [
        "access-control-allow-origin",
        "access-control-expose-headers",
        "vary",
    ] {
        assert_eq!(header(answer.headers(), name), None, "{name}");
    }
}
