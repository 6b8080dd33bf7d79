//! Tokens from real identity providers: keys from a JWKS endpoint that
//! rotates them (a local wiremock server), and the claim shapes of Keycloak,
//! Auth0, Azure AD and Cognito.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test as atest;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use liveclass_domain::caller::{Caller, Role};
use liveclass_domain::class::MockLiveClasses;
use liveclass_http::jwks::JwksSource;
use liveclass_http::{ApiError, ClaimMapping, ClaimPath, JwtConfig, JwtKey, JwtVerifier, RoleMap};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &[u8] = b"an-http-test-secret-of-at-least-32-bytes";

struct Keypair {
    kid: &'static str,
    alg: Algorithm,
    private: EncodingKey,
    public: Jwk,
}

/// A fixed test key pair from `tests/fixtures/jwt`, with its public JWK.
fn keypair(kid: &'static str, alg: Algorithm) -> Keypair {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwt");
    let pem = std::fs::read(dir.join(format!("{kid}.pem"))).unwrap();
    let private = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem),
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem),
        other => panic!("no fixture for {other:?}"),
    }
    .unwrap();
    let mut public = Jwk::from_encoding_key(&private, alg).unwrap();
    public.common.key_id = Some(kid.to_owned());
    Keypair {
        kid,
        alg,
        private,
        public,
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims() -> Value {
    json!({"sub": "u1", "tenant_id": "acme", "roles": ["training_manager"], "exp": now() + 600})
}

fn sign_as(key: &Keypair, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(key.alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.private).unwrap()
}

fn sign(key: &Keypair) -> String {
    sign_as(key, key.kid, &claims())
}

/// Serves `keys` as the JWKS at `/jwks.json`, replacing what was served.
async fn serve(server: &MockServer, keys: &[&Keypair], cache_control: &str) {
    server.reset().await;
    let set = json!({"keys": keys.iter().map(|k| &k.public).collect::<Vec<_>>()});
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("cache-control", cache_control)
                .set_body_json(set),
        )
        .mount(server)
        .await;
}

async fn fetches(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn jwks_config(server: &MockServer, min_refetch: Duration) -> JwtConfig {
    JwtConfig {
        key: JwtKey::Jwks(JwksSource {
            url: format!("{}/jwks.json", server.uri()),
            min_refetch,
            timeout: Duration::from_secs(5),
        }),
        issuer: None,
        audience: None,
        leeway_seconds: 60,
        claims: ClaimMapping::default(),
    }
}

fn verifier(config: &JwtConfig) -> JwtVerifier {
    JwtVerifier::new(config).unwrap()
}

fn refused(result: Result<Caller, ApiError>) -> ApiError {
    match result {
        Ok(caller) => panic!("accepted as {caller:?}"),
        Err(e) => e,
    }
}

// ---- JWKS ----

#[actix_web::test]
async fn rs256_es256_and_eddsa_tokens_verify_with_keys_from_the_jwks() {
    let (rsa, ec, ed) = (
        keypair("rsa-1", Algorithm::RS256),
        keypair("ec-1", Algorithm::ES256),
        keypair("ed-1", Algorithm::EdDSA),
    );
    let server = MockServer::start().await;
    serve(&server, &[&rsa, &ec, &ed], "public, max-age=600").await;
    let verifier = verifier(&jwks_config(&server, Duration::from_secs(30)));
    for key in [&rsa, &ec, &ed] {
        let caller = verifier.verify_async(&sign(key)).await.unwrap();
        assert_eq!(caller.tenant_id.as_str(), "acme", "{:?}", key.alg);
        assert!(caller.can_manage_classes());
    }
    // One fetch, kept for its max-age.
    assert_eq!(fetches(&server).await, 1);
    // A token naming one key but signed with another is refused.
    let err = refused(
        verifier
            .verify_async(&sign_as(&ec, "rsa-1", &claims()))
            .await,
    );
    assert_eq!(err.code.as_str(), "invalid_token");
}

#[actix_web::test]
async fn rotated_keys_are_picked_up_without_a_restart() {
    let (old, new) = (
        keypair("rsa-1", Algorithm::RS256),
        keypair("rsa-2", Algorithm::RS256),
    );
    let server = MockServer::start().await;
    serve(&server, &[&old], "max-age=3600").await;
    let verifier = verifier(&jwks_config(&server, Duration::ZERO));
    verifier.verify_async(&sign(&old)).await.unwrap();
    // The provider rotates: the old key is gone, a new one signs.
    serve(&server, &[&new], "max-age=3600").await;
    verifier.verify_async(&sign(&new)).await.unwrap();
    let err = refused(verifier.verify_async(&sign(&old)).await);
    assert_eq!(err.code.as_str(), "invalid_token");
    // The new key's token again: from the cache, no fetch.
    let before = fetches(&server).await;
    verifier.verify_async(&sign(&new)).await.unwrap();
    assert_eq!(fetches(&server).await, before);
}

#[actix_web::test]
async fn a_flood_of_unknown_kids_fetches_the_jwks_at_most_once_per_interval() {
    let key = keypair("ec-1", Algorithm::ES256);
    // Signed before the clock matters: signing is slow in debug builds.
    let bogus: Vec<String> = (0..50)
        .map(|i| sign_as(&key, &format!("bogus-{i}"), &claims()))
        .collect();
    let good = sign(&key);
    let server = MockServer::start().await;
    serve(&server, &[&key], "max-age=3600").await;
    let interval = Duration::from_millis(500);
    let verifier = Arc::new(verifier(&jwks_config(&server, interval)));
    verifier.verify_async(&good).await.unwrap();
    // Right after a fetch: an unknown kid does not fetch again.
    for token in &bogus[..20] {
        refused(verifier.verify_async(token).await);
    }
    assert_eq!(fetches(&server).await, 1);
    // Once the interval has passed: one fetch for the whole flood,
    // concurrent requests included.
    tokio::time::sleep(interval + Duration::from_millis(100)).await;
    let flood = bogus.into_iter().map(|token| {
        let verifier = verifier.clone();
        async move { verifier.verify_async(&token).await.is_err() }
    });
    let refusals = futures_join_all(flood).await;
    assert!(refusals.iter().all(|r| *r));
    assert_eq!(fetches(&server).await, 2);
    // Known keys kept working all along.
    verifier.verify_async(&good).await.unwrap();
}

/// `join_all` without the futures crate: run them on this thread's tasks.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + 'static,
    F::Output: 'static,
{
    let handles: Vec<_> = futures.map(actix_web::rt::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[actix_web::test]
async fn max_age_is_honoured_and_a_failing_endpoint_keeps_the_keys_held() {
    let key = keypair("ec-1", Algorithm::ES256);
    let server = MockServer::start().await;
    serve(&server, &[&key], "public, max-age=1").await;
    let verifier = verifier(&jwks_config(&server, Duration::ZERO));
    verifier.verify_async(&sign(&key)).await.unwrap();
    verifier.verify_async(&sign(&key)).await.unwrap();
    assert_eq!(fetches(&server).await, 1);
    // Past max-age the set is fetched again, even for a known kid; the
    // endpoint now fails, and the keys held stay in use.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    verifier.verify_async(&sign(&key)).await.unwrap();
    assert_eq!(
        fetches(&server).await,
        1,
        "reset clears the count: one fetch since"
    );
}

#[actix_web::test]
async fn an_unreachable_jwks_refuses_tokens_as_invalid_without_details() {
    let key = keypair("rsa-1", Algorithm::RS256);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;
    let verifier = verifier(&jwks_config(&server, Duration::ZERO));
    let err = refused(verifier.verify_async(&sign(&key)).await);
    assert_eq!(err.code.as_str(), "invalid_token");
    assert_eq!(err.message, "The bearer token is not valid");
}

#[actix_web::test]
async fn hmac_tokens_are_refused_under_a_jwks_whatever_their_key() {
    let key = keypair("rsa-1", Algorithm::RS256);
    let server = MockServer::start().await;
    serve(&server, &[&key], "max-age=600").await;
    let verifier = verifier(&jwks_config(&server, Duration::ZERO));
    // Signed with the public modulus as an HMAC secret: the classic
    // algorithm-confusion attack.
    let n = match &key.public.algorithm {
        jsonwebtoken::jwk::AlgorithmParameters::RSA(p) => p.n.clone(),
        _ => unreachable!(),
    };
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let forged =
        jsonwebtoken::encode(&header, &claims(), &EncodingKey::from_secret(n.as_bytes())).unwrap();
    let err = refused(verifier.verify_async(&forged).await);
    assert_eq!(err.code.as_str(), "invalid_token");
}

#[actix_web::test]
async fn a_jwks_token_authenticates_a_request_through_the_app() {
    let key = keypair("ed-1", Algorithm::EdDSA);
    let server = MockServer::start().await;
    serve(&server, &[&key], "max-age=600").await;
    let mut services = common::mocked_services();
    let mut classes = MockLiveClasses::new();
    classes
        .expect_list()
        .withf(|caller, _| caller.tenant_id.as_str() == "acme")
        .returning(|_, query| {
            Ok(liveclass_domain::ClassPage {
                total: 0,
                page: query.page,
                classes: vec![],
            })
        });
    services.live_classes = Arc::new(classes);
    let app = atest::init_service(liveclass_http::app(common::state(
        services,
        &jwks_config(&server, Duration::ZERO),
    )))
    .await;
    let req = atest::TestRequest::get()
        .uri("/live-classes")
        .insert_header(("Authorization", format!("Bearer {}", sign(&key))))
        .to_request();
    let res = atest::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let other = keypair("rsa-2", Algorithm::RS256);
    let req = atest::TestRequest::get()
        .uri("/live-classes")
        .insert_header(("Authorization", format!("Bearer {}", sign(&other))))
        .to_request();
    let res = atest::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

// ---- claim mapping ----

fn mapping(tenant: &str, roles: &str, name: &str, role_map: &str) -> ClaimMapping {
    ClaimMapping {
        tenant: ClaimPath::parse(tenant).unwrap(),
        roles: ClaimPath::parse(roles).unwrap(),
        name: ClaimPath::parse(name).unwrap(),
        role_map: RoleMap::parse(role_map).unwrap(),
    }
}

fn hs256_with(claims: ClaimMapping) -> JwtVerifier {
    verifier(&JwtConfig {
        key: JwtKey::Hs256Secret(SECRET.to_vec()),
        issuer: None,
        audience: None,
        leeway_seconds: 60,
        claims,
    })
}

fn hs256_token(claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap()
}

#[actix_web::test]
async fn keycloak_realm_and_client_roles_are_mapped() {
    let token = hs256_token(&json!({
        "sub": "f1c2-keycloak-user", "exp": now() + 600,
        "preferred_username": "ada", "name": "Ada Lovelace", "tenant": "acme",
        "realm_access": {"roles": ["teacher", "offline_access", "uma_authorization"]},
        "resource_access": {
            "liveclass": {"roles": ["admin"]},
            "account": {"roles": ["manage-account"]}
        },
    }));
    let realm = hs256_with(mapping(
        "tenant",
        "realm_access.roles",
        "name",
        "teacher=training_manager",
    ))
    .verify_async(&token)
    .await
    .unwrap();
    assert_eq!(realm.tenant_id.as_str(), "acme");
    assert_eq!(realm.name.as_deref(), Some("Ada Lovelace"));
    assert!(realm.roles.contains(&Role::TrainingManager));
    assert!(!realm.roles.contains(&Role::OrgAdmin));
    let client = hs256_with(mapping(
        "tenant",
        "resource_access.liveclass.roles",
        "preferred_username",
        "admin=org_admin",
    ))
    .verify_async(&token)
    .await
    .unwrap();
    assert_eq!(client.roles, vec![Role::OrgAdmin]);
    assert_eq!(client.name.as_deref(), Some("ada"));
}

#[actix_web::test]
async fn auth0_namespaced_claims_are_found_by_their_whole_name() {
    let token = hs256_token(&json!({
        "sub": "auth0|64f1", "exp": now() + 600, "name": "Grace",
        "https://lc.example.com/tenant": "acme",
        "https://lc.example.com/roles": ["Instructor", "Student"],
    }));
    let caller = hs256_with(mapping(
        "https://lc.example.com/tenant",
        "https://lc.example.com/roles",
        "name",
        "Instructor=training_manager",
    ))
    .verify_async(&token)
    .await
    .unwrap();
    assert_eq!(caller.tenant_id.as_str(), "acme");
    assert_eq!(caller.user_id.as_str(), "auth0|64f1");
    assert!(caller.can_manage_classes());
    assert!(caller.roles.contains(&Role::Other("Student".into())));
}

#[actix_web::test]
async fn azure_ad_tid_and_app_roles_are_mapped() {
    let token = hs256_token(&json!({
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "exp": now() + 600,
        "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47", "name": "Alan Turing",
        "roles": ["LiveClass.Admin"],
    }));
    let caller = hs256_with(mapping("tid", "roles", "name", "LiveClass.Admin=org_admin"))
        .verify_async(&token)
        .await
        .unwrap();
    assert_eq!(
        caller.tenant_id.as_str(),
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    assert_eq!(caller.roles, vec![Role::OrgAdmin]);
}

#[actix_web::test]
async fn cognito_groups_and_a_single_string_role_are_mapped() {
    let token = hs256_token(&json!({
        "sub": "5d1c-cognito", "exp": now() + 600, "custom:tenant": "acme",
        "cognito:groups": ["teachers"], "cognito:username": "barbara",
    }));
    let caller = hs256_with(mapping(
        "custom:tenant",
        "cognito:groups",
        "cognito:username",
        "teachers=training_manager",
    ))
    .verify_async(&token)
    .await
    .unwrap();
    assert_eq!(caller.roles, vec![Role::TrainingManager]);
    assert_eq!(caller.name.as_deref(), Some("barbara"));
    // A provider that sends one role as a string.
    let token = hs256_token(&json!({
        "sub": "u", "exp": now() + 600, "tenant_id": "acme", "role": "teachers",
    }));
    let caller = hs256_with(mapping(
        "tenant_id",
        "role",
        "name",
        "teachers=training_manager",
    ))
    .verify_async(&token)
    .await
    .unwrap();
    assert_eq!(caller.roles, vec![Role::TrainingManager]);
}

/// Captures what the test's tracing events print.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn a_mapping_error_is_one_log_line_for_the_operator_and_invalid_token_for_the_client() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Azure AD's token under the default mapping: no `tenant_id`.
    let token = hs256_token(&json!({
        "sub": "u", "exp": now() + 600, "tid": "t-1", "roles": ["x"],
    }));
    let err = refused(
        hs256_with(ClaimMapping::default())
            .verify_async(&token)
            .await,
    );
    assert_eq!(err.code.as_str(), "invalid_token");
    assert_eq!(err.message, "The bearer token is not valid");
    // Roles of the wrong shape under a Keycloak mapping.
    let token = hs256_token(&json!({
        "sub": "u", "exp": now() + 600, "tenant": "acme", "realm_access": {"roles": "x"},
        "resource_access": {"lc": {"roles": {"a": 1}}},
    }));
    refused(
        hs256_with(mapping("tenant", "resource_access.lc.roles", "name", ""))
            .verify_async(&token)
            .await,
    );
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].contains("WARN") && lines[0].contains("no tenant claim at `tenant_id`"),
        "{log}"
    );
    assert!(
        lines[0].contains("`tid`"),
        "the claims present are named: {log}"
    );
    assert!(
        lines[1].contains("`resource_access.lc.roles` is of type object"),
        "{log}"
    );
}
