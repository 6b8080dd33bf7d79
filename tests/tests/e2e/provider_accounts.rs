//! A tenant's own provider accounts over real HTTP, on SQLite and
//! PostgreSQL: organisation admins only, tenant isolation, validation, one
//! active account per kind, and secrets that are sealed in the database and
//! never returned.

#![allow(clippy::unwrap_used, clippy::type_complexity)]

use base64::Engine as _;
use diesel::prelude::*;
use liveclass_persistence::schema::provider_accounts as pa;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_with};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "acme";
// 32 bytes, base64.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const ZOOM_SECRET: &str = "zoom-client-secret-Qx7Lm2Vd9Rt4";
const WEBHOOK_SECRET: &str = "zoom-webhook-token-Hk3Pz8Wn1Yc6";

async fn app(db: TestDatabase) -> TestApp {
    spawn_app_with(db, &[("LIVECLASS_SECRETS_KEY", KEY)]).await
}

fn zoom_body() -> Value {
    json!({
        "kind": "zoom",
        "label": "Acme Zoom",
        "zoom": {"accountId": "acc-123", "clientId": "client-456", "clientSecret": ZOOM_SECRET},
        "webhookSecret": WEBHOOK_SECRET,
    })
}

fn daily_body(active: bool) -> Value {
    json!({
        "kind": "daily",
        "active": active,
        "daily": {"apiKey": "daily-api-key-0123456789abcdef", "domain": "acme.daily.co"},
    })
}

/// Every text of the table's rows, as the database holds them.
fn stored_text(db: &TestDatabase) -> String {
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<(String, String, String, Option<String>, Option<String>)> = pa::table
        .select((
            pa::label,
            pa::secret_key_id,
            pa::secret_sealed,
            pa::webhook_secret_sealed,
            pa::secret_hint,
        ))
        .load(&mut *conn)
        .unwrap();
    format!("{rows:?}")
}

async fn org_admins_manage_accounts_and_secrets_never_come_back(db: TestDatabase) {
    let app = app(db).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let manager = app.token("manager-1", TENANT, &["training_manager"]);

    let refused = app
        .post_json("/provider-accounts", &manager, &zoom_body())
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(app.get("/provider-accounts", &manager).await.status, 403);

    let created = app
        .post_json("/provider-accounts", &admin, &zoom_body())
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["kind"], "zoom");
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["zoom"]["accountId"], "acc-123");
    assert_eq!(created.body["zoom"]["clientSecretHint"], "…9Rt4");
    assert_eq!(created.body["webhookSecretHint"], "…1Yc6");
    assert_eq!(created.body["hasWebhookSecret"], true);
    assert_eq!(created.body["health"]["lastError"], Value::Null);
    assert!(created.body.get("daily").is_none());

    let got = app.get(&format!("/provider-accounts/{id}"), &admin).await;
    let list = app.get("/provider-accounts", &admin).await;
    assert_eq!((got.status, list.status), (200, 200));
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    for body in [&created.body, &got.body, &list.body] {
        let text = body.to_string();
        assert!(
            !text.contains(ZOOM_SECRET) && !text.contains(WEBHOOK_SECRET),
            "{text}"
        );
    }
    assert_eq!(
        app.get(&format!("/provider-accounts/{id}"), &manager)
            .await
            .status,
        403
    );

    // Another tenant's admin: not found, whatever the operation.
    let other = app.token("admin-2", "globex", &["org_admin"]);
    let hidden = app.get(&format!("/provider-accounts/{id}"), &other).await;
    assert_eq!(
        (hidden.status, hidden.body["code"].as_str()),
        (404, Some("provider_account_not_found"))
    );
    let patch = app
        .patch_json(
            &format!("/provider-accounts/{id}"),
            &other,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(patch.status, 404);
    assert_eq!(
        app.delete(&format!("/provider-accounts/{id}"), &other)
            .await
            .status,
        404
    );
    assert!(
        app.get("/provider-accounts", &other).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Changes: label, new credentials, the webhook secret removed.
    let changed = app
        .patch_json(
            &format!("/provider-accounts/{id}"),
            &admin,
            &json!({
                "label": "Zoom (rotated)",
                "zoom": {"accountId": "acc-123", "clientId": "client-789", "clientSecret": "another-secret-value-WXYZ"},
                "webhookSecret": null,
            }),
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["label"], "Zoom (rotated)");
    assert_eq!(changed.body["zoom"]["clientId"], "client-789");
    assert_eq!(changed.body["zoom"]["clientSecretHint"], "…WXYZ");
    assert_eq!(changed.body["hasWebhookSecret"], false);
    assert_eq!(changed.body["webhookSecretHint"], Value::Null);
    let wrong_kind = app
        .patch_json(
            &format!("/provider-accounts/{id}"),
            &admin,
            &json!({"daily": {"apiKey": "k", "domain": "acme.daily.co"}}),
        )
        .await;
    assert_eq!(
        (wrong_kind.status, wrong_kind.body["code"].as_str()),
        (400, Some("validation_failed")),
        "{:?}",
        wrong_kind.body
    );

    let deleted = app
        .client
        .delete(app.url(&format!("/provider-accounts/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.get(&format!("/provider-accounts/{id}"), &admin)
            .await
            .status,
        404
    );
    assert_eq!(
        app.delete(&format!("/provider-accounts/{id}"), &admin)
            .await
            .status,
        404
    );
}

async fn secrets_are_not_in_the_database_in_the_clear(db: TestDatabase) {
    let app = app(db).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let created = app
        .post_json("/provider-accounts", &admin, &zoom_body())
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let stored = stored_text(&app.db);
    assert!(stored.contains("\"k1\""), "the key id is stored: {stored}");
    for secret in [ZOOM_SECRET, WEBHOOK_SECRET] {
        assert!(!stored.contains(secret), "{secret} in {stored}");
    }
    // Nor inside the decoded sealed values, nor in any column of the row.
    let mut conn = app.db.pool.get().unwrap();
    let (sealed, webhook): (String, Option<String>) = pa::table
        .select((pa::secret_sealed, pa::webhook_secret_sealed))
        .first(&mut *conn)
        .unwrap();
    for text in [Some(sealed), webhook] {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.unwrap())
            .unwrap();
        assert!(bytes.len() > 12 + 16, "nonce, ciphertext and tag");
        for secret in [ZOOM_SECRET, WEBHOOK_SECRET] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
    }
    let whole_row: Vec<(
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = pa::table
        .select((
            pa::zoom_account_id,
            pa::zoom_client_id,
            pa::webhook_secret_hint,
            pa::webhook_secret_key_id,
        ))
        .load(&mut *conn)
        .unwrap();
    let row = format!("{whole_row:?}");
    assert!(
        !row.contains(ZOOM_SECRET) && !row.contains(WEBHOOK_SECRET),
        "{row}"
    );
}

async fn input_is_validated_and_a_second_active_account_of_a_kind_is_refused(db: TestDatabase) {
    let app = app(db).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    for (bad, code) in [
        (
            json!({"kind": "webex", "zoom": {"accountId": "a", "clientId": "b", "clientSecret": "c"}}),
            "validation_failed",
        ),
        (json!({"kind": "zoom"}), "validation_failed"),
        (
            json!({"kind": "zoom", "daily": {"apiKey": "k", "domain": "acme.daily.co"}}),
            "validation_failed",
        ),
        (
            json!({"kind": "daily", "daily": {"apiKey": "has space", "domain": "acme.daily.co"}}),
            "validation_failed",
        ),
        (
            json!({"kind": "daily", "daily": {"apiKey": "k", "domain": "https://acme.daily.co"}}),
            "validation_failed",
        ),
        (
            json!({"kind": "jitsi", "jitsi": {"appId": "a;b", "appSecret": "s", "domain": "meet.example.com"}}),
            "validation_failed",
        ),
        (
            json!({"kind": "jitsi", "label": "bad\u{0007}", "jitsi": {"appId": "a", "appSecret": "s", "domain": "meet.example.com"}}),
            "validation_failed",
        ),
        (
            json!({"kind": "daily", "daily": {"apiKey": "k", "domain": "acme.daily.co", "extra": 1}}),
            "invalid_body",
        ),
        (json!({"kind": "daily", "colour": "red"}), "invalid_body"),
    ] {
        let reply = app.post_json("/provider-accounts", &admin, &bad).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some(code)),
            "{bad}: {:?}",
            reply.body
        );
    }
    assert_eq!(
        app.get("/provider-accounts/not-a-uuid", &admin)
            .await
            .status,
        400
    );
    assert!(
        app.get("/provider-accounts", &admin).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let first = app
        .post_json("/provider-accounts", &admin, &daily_body(true))
        .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let second = app
        .post_json("/provider-accounts", &admin, &daily_body(true))
        .await;
    assert_eq!(
        (second.status, second.body["code"].as_str()),
        (409, Some("active_provider_account_exists"))
    );
    let spare = app
        .post_json("/provider-accounts", &admin, &daily_body(false))
        .await;
    assert_eq!(spare.status, 201);
    let spare_id = spare.body["id"].as_str().unwrap();
    let activate = app
        .patch_json(
            &format!("/provider-accounts/{spare_id}"),
            &admin,
            &json!({"active": true}),
        )
        .await;
    assert_eq!(activate.status, 409);
    let first_id = first.body["id"].as_str().unwrap();
    let off = app
        .patch_json(
            &format!("/provider-accounts/{first_id}"),
            &admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(off.status, 200);
    let activate = app
        .patch_json(
            &format!("/provider-accounts/{spare_id}"),
            &admin,
            &json!({"active": true}),
        )
        .await;
    assert_eq!(
        (activate.status, activate.body["active"].as_bool()),
        (200, Some(true))
    );
    // A Jitsi account: its own kind, so active beside the Daily one.
    let jitsi = app
        .post_json(
            "/provider-accounts",
            &admin,
            &json!({"kind": "jitsi", "jitsi": {"appId": "vpaas-magic-cookie-1fc5", "appSecret": "short", "domain": "8x8.vc"}}),
        )
        .await;
    assert_eq!(jitsi.status, 201, "{:?}", jitsi.body);
    assert_eq!(
        jitsi.body["jitsi"]["appSecretHint"],
        Value::Null,
        "short secrets get no hint"
    );
}

async fn without_a_secrets_key_accounts_cannot_be_created(db: TestDatabase) {
    let app = spawn_app_with(db, &[]).await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let reply = app
        .post_json("/provider-accounts", &admin, &zoom_body())
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (503, Some("provider_secrets_unavailable")),
        "{:?}",
        reply.body
    );
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .contains("LIVECLASS_SECRETS_KEY")
    );
    assert!(stored_text(&app.db).contains("[]"), "nothing stored");
}

/// A Daily that accepts `good-daily-key-0123` (domain `acme`) and a Zoom
/// token endpoint that accepts client `client-456` with `ZOOM_SECRET`.
async fn providers() -> (MockServer, MockServer) {
    let daily = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("authorization", "Bearer good-daily-key-0123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"domain_name": "acme", "domain_id": "30f866c3-9123-452a-8723-ff58322d09c5", "config": {}}),
        ))
        .mount(&daily)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "authentication-error", "info": "bad key"})),
        )
        .mount(&daily)
        .await;
    let zoom = MockServer::start().await;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("client-456:{ZOOM_SECRET}"))
    );
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(query_param("grant_type", "account_credentials"))
        .and(query_param("account_id", "acc-123"))
        .and(header("authorization", basic.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok", "token_type": "bearer", "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&zoom)
        .await;
    (daily, zoom)
}

async fn test(app: &TestApp, token: &str, id: &str) -> liveclass_tests::Reply {
    app.post(&format!("/provider-accounts/{id}/test"), token)
        .await
}

async fn credentials_are_checked_against_the_provider_and_the_result_kept_in_health(
    db: TestDatabase,
) {
    let (daily, zoom) = providers().await;
    let (daily_url, zoom_oauth) = (daily.uri(), format!("{}/oauth/token", zoom.uri()));
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_SECRETS_KEY", KEY),
            ("DAILY_API_URL", daily_url.as_str()),
            ("ZOOM_OAUTH_URL", zoom_oauth.as_str()),
        ],
    )
    .await;
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let created = app
        .post_json(
            "/provider-accounts",
            &admin,
            &json!({"kind": "daily", "daily": {"apiKey": "good-daily-key-0123", "domain": "acme.daily.co"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();

    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    assert_eq!(test(&app, &manager, &id).await.status, 403);
    let other = app.token("admin-2", "globex", &["org_admin"]);
    assert_eq!(test(&app, &other, &id).await.status, 404);

    // The key was opened from its sealed form and sent to Daily.
    let passed = test(&app, &admin, &id).await;
    assert_eq!(passed.status, 200, "{:?}", passed.body);
    assert_eq!(
        (
            passed.body["ok"].as_bool(),
            passed.body["checkedRemotely"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert!(passed.body["account"]["health"]["lastSuccessAt"].is_string());
    assert_eq!(
        passed.body["account"]["health"]["lastTokenRenewalAt"],
        Value::Null
    );

    // New credentials clear the health; a refused key is recorded.
    let changed = app
        .patch_json(
            &format!("/provider-accounts/{id}"),
            &admin,
            &json!({"daily": {"apiKey": "revoked-daily-key-9999", "domain": "acme.daily.co"}}),
        )
        .await;
    assert_eq!(changed.body["health"]["lastSuccessAt"], Value::Null);
    let failed = test(&app, &admin, &id).await;
    assert_eq!(failed.status, 200, "{:?}", failed.body);
    assert_eq!(failed.body["ok"], false);
    assert_eq!(failed.body["error"], "Daily refused the credentials");
    let health = &app
        .get(&format!("/provider-accounts/{id}"), &admin)
        .await
        .body["health"];
    assert_eq!(health["lastError"], "Daily refused the credentials");
    assert!(health["lastErrorAt"].is_string());
    assert!(!failed.body.to_string().contains("revoked-daily-key-9999"));

    // Zoom: an access token is obtained with the opened client secret.
    let zoom_account = app
        .post_json("/provider-accounts", &admin, &zoom_body())
        .await;
    let zoom_id = zoom_account.body["id"].as_str().unwrap();
    let passed = test(&app, &admin, zoom_id).await;
    assert_eq!(passed.body["ok"], true, "{:?}", passed.body);
    assert!(passed.body["account"]["health"]["lastTokenRenewalAt"].is_string());

    // Jitsi has no API: checked for form only.
    let jitsi = app
        .post_json(
            "/provider-accounts",
            &admin,
            &json!({"kind": "jitsi", "jitsi": {"appId": "app", "appSecret": "jitsi-secret-value", "domain": "meet.example.com"}}),
        )
        .await;
    let jitsi_id = jitsi.body["id"].as_str().unwrap();
    let passed = test(&app, &admin, jitsi_id).await;
    assert_eq!(
        (
            passed.body["ok"].as_bool(),
            passed.body["checkedRemotely"].as_bool()
        ),
        (Some(true), Some(false))
    );
}

on_both_backends!(
    credentials_are_checked_against_the_provider_and_the_result_kept_in_health,
    org_admins_manage_accounts_and_secrets_never_come_back,
    secrets_are_not_in_the_database_in_the_clear,
    input_is_validated_and_a_second_active_account_of_a_kind_is_refused,
    without_a_secrets_key_accounts_cannot_be_created,
);
