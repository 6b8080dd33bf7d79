//! The HTTP shell over a mocked service: authentication, the error shape of
//! every failure, the mapping of domain errors to status codes, and OpenAPI.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test as atest;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use liveclass_domain::class::ports::{MockClassRepository, MockParticipationRepository};
use liveclass_domain::class::{
    AdmitOutcome, Capacity, ClassPolicy, ClassStatus, LiveClass, ParticipantRole, Participation,
    Title,
};
use liveclass_domain::clock::FixedClock;
use liveclass_domain::ids::{ClassId, ParticipationId, RandomIds, RoomId, TenantId, UserId};
use liveclass_domain::store::RepoError;
use liveclass_domain::video::{MockVideoProvider, Room, VideoError};
use liveclass_domain::{LiveClassService, LiveClasses};
use liveclass_http::{Claims, JwtConfig, JwtKey, JwtVerifier, TokenIssuer};
use serde_json::{Value, json};
use time::macros::datetime;

const SECRET: &[u8] = b"an-http-test-secret-of-at-least-32-bytes";
const CLASS: &str = "00000000-0000-0000-0000-0000000000aa";

struct Mocks {
    classes: MockClassRepository,
    participations: MockParticipationRepository,
    video: MockVideoProvider,
}

impl Mocks {
    fn new() -> Self {
        Self {
            classes: MockClassRepository::new(),
            participations: MockParticipationRepository::new(),
            video: MockVideoProvider::new(),
        }
    }

    /// `roster` (what update and the reads use) answers `class` with nobody in it.
    fn rostering(mut self, class: LiveClass) -> Self {
        self.participations
            .expect_roster()
            .returning(move |_, _, _| Ok(Some((class.clone(), vec![]))));
        self
    }

    fn finding(mut self, class: LiveClass) -> Self {
        self.classes
            .expect_find()
            .returning(move |_, _| Ok(Some(class.clone())));
        self
    }
}

fn hs256() -> JwtConfig {
    JwtConfig {
        key: JwtKey::Hs256Secret(SECRET.to_vec()),
        issuer: None,
        audience: None,
        leeway_seconds: liveclass_http::auth::DEFAULT_LEEWAY_SECONDS,
        claims: liveclass_http::ClaimMapping::default(),
    }
}

async fn test_app(
    mocks: Mocks,
    jwt: JwtConfig,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let service: Arc<dyn LiveClasses> = Arc::new(LiveClassService::new(
        Arc::new(mocks.classes),
        Arc::new(mocks.participations),
        Arc::new(mocks.video),
        Arc::new(FixedClock::at(datetime!(2030-01-01 10:00 UTC))),
        Arc::new(RandomIds),
        ClassPolicy::default(),
    ));
    let mut services = common::mocked_services();
    services.live_classes = service;
    atest::init_service(liveclass_http::app(common::state(services, &jwt))).await
}

fn token(sub: &str, roles: &[&str]) -> String {
    TokenIssuer::hs256(SECRET, None, None)
        .mint(sub, "tenant-a", roles, None, 600)
        .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims(exp: u64) -> Claims {
    Claims {
        sub: "u1".into(),
        tenant_id: "tenant-a".into(),
        roles: vec![],
        name: None,
        exp,
        iat: None,
        iss: None,
        aud: None,
        nbf: None,
    }
}

fn live_class() -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::parse_str(CLASS).unwrap()),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        created_by: UserId::parse("teacher").unwrap(),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(9)),
        room: Room {
            provider: "jitsi".into(),
            external_id: "r".into(),
            join_url: "https://meet.jit.si/r".into(),
            host_url: Some("https://host/r".into()),
            password: None,
        },
        status: ClassStatus::Live,
        scheduled_at: datetime!(2030-01-01 10:00 UTC),
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: liveclass_domain::join_link::JoinHash::from_uuids(
            uuid::Uuid::from_u128(90),
            uuid::Uuid::from_u128(91),
        ),
        ical_sequence: 0,
        admission: liveclass_domain::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: Some(datetime!(2030-01-01 10:00 UTC)),
        ended_at: None,
        max_participants: Capacity::from_stored(150),
        recording_url: None,
        created_at: datetime!(2030-01-01 09:00 UTC),
        updated_at: datetime!(2030-01-01 09:00 UTC),
    }
}

/// Sends the request and checks the error shape: JSON with exactly
/// statusCode, error, message and code, statusCode equal to the status.
async fn error_of<S, B>(app: &S, req: atest::TestRequest) -> (StatusCode, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = atest::call_service(app, req.to_request()).await;
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: content-type {content_type:?}"
    );
    let body: Value = atest::read_body_json(res).await;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{body}");
    for key in ["statusCode", "error", "message", "code"] {
        assert!(body.get(key).is_some(), "{key} missing from {body}");
    }
    assert_eq!(body["statusCode"], status.as_u16(), "{body}");
    (status, body)
}

fn get(path: &str) -> atest::TestRequest {
    atest::TestRequest::get().uri(path)
}

fn post(path: &str) -> atest::TestRequest {
    atest::TestRequest::post().uri(path)
}

fn bearer(req: atest::TestRequest, token: &str) -> atest::TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

// ---- authentication ----

#[actix_web::test]
async fn a_request_without_a_token_is_401_with_a_bearer_challenge() {
    let app = test_app(Mocks::new(), hs256()).await;
    let res = atest::call_service(&app, get("/live-classes").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        res.headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let (_, body) = error_of(&app, get("/live-classes")).await;
    assert_eq!(body["code"], "missing_token");
    assert_eq!(body["error"], "Unauthorized");
}

#[actix_web::test]
async fn malformed_expired_and_forged_tokens_are_401() {
    let app = test_app(Mocks::new(), hs256()).await;
    let expired = TokenIssuer::hs256(SECRET, None, None)
        .sign(&claims(now() - 3600))
        .unwrap();
    let forged = TokenIssuer::hs256(b"another-secret-that-is-32-bytes-long!!", None, None)
        .mint("u1", "tenant-a", &["org_admin"], None, 600)
        .unwrap();
    let mut tampered = token("u1", &[]);
    tampered.insert(tampered.len() - 3, 'x');
    let cases = [
        (
            get("/live-classes").insert_header(("Authorization", "Basic dTpw")),
            "invalid_token",
        ),
        (
            get("/live-classes").insert_header(("Authorization", "Bearer")),
            "invalid_token",
        ),
        (bearer(get("/live-classes"), "not.a.jwt"), "invalid_token"),
        (bearer(get("/live-classes"), &expired), "token_expired"),
        (bearer(get("/live-classes"), &forged), "invalid_token"),
        (bearer(get("/live-classes"), &tampered), "invalid_token"),
    ];
    for (req, code) in cases {
        let (status, body) = error_of(&app, req).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], code, "{body}");
    }
}

#[actix_web::test]
async fn a_token_without_the_tenant_claim_is_401() {
    let app = test_app(Mocks::new(), hs256()).await;
    let header = Header::new(Algorithm::HS256);
    let no_tenant = jsonwebtoken::encode(
        &header,
        &json!({"sub": "u1", "exp": now() + 600}),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    let no_exp = jsonwebtoken::encode(
        &header,
        &json!({"sub": "u1", "tenant_id": "t"}),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    for t in [no_tenant, no_exp] {
        let (status, body) = error_of(&app, bearer(get("/live-classes"), &t)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "invalid_token");
    }
}

#[actix_web::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let jwt = JwtConfig {
        issuer: Some("https://idp.example".into()),
        audience: Some("liveclass".into()),
        ..hs256()
    };
    let app = test_app(empty_list(Mocks::new()), jwt).await;
    let right = TokenIssuer::hs256(
        SECRET,
        Some("https://idp.example".into()),
        Some("liveclass".into()),
    )
    .mint("u1", "tenant-a", &[], None, 600)
    .unwrap();
    let res = atest::call_service(&app, bearer(get("/live-classes"), &right).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    for (iss, aud) in [
        (Some("https://evil.example"), Some("liveclass")),
        (Some("https://idp.example"), Some("other")),
        (None, None),
    ] {
        let wrong = TokenIssuer::hs256(SECRET, iss.map(Into::into), aud.map(Into::into))
            .mint("u1", "tenant-a", &[], None, 600)
            .unwrap();
        let (status, _) = error_of(&app, bearer(get("/live-classes"), &wrong)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{iss:?} {aud:?}");
    }
}

#[actix_web::test]
async fn a_token_not_valid_yet_is_refused_beyond_the_leeway() {
    let app = test_app(empty_list(Mocks::new()), hs256()).await;
    let issuer = TokenIssuer::hs256(SECRET, None, None);
    let with_nbf = |nbf: u64| {
        issuer
            .sign(&Claims {
                nbf: Some(nbf),
                ..claims(now() + 600)
            })
            .unwrap()
    };
    // Past, and within the default leeway (60 s): accepted.
    for nbf in [now() - 10, now() + 30] {
        let res = atest::call_service(
            &app,
            bearer(get("/live-classes"), &with_nbf(nbf)).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "nbf {nbf}");
    }
    let (status, body) = error_of(&app, bearer(get("/live-classes"), &with_nbf(now() + 600))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_token");
    // The reason (`nbf`) is logged for the operator, not told to the client.
    assert_eq!(body["message"], "The bearer token is not valid", "{body}");
}

#[actix_web::test]
async fn the_leeway_is_configurable() {
    let jwt = JwtConfig {
        leeway_seconds: 0,
        ..hs256()
    };
    let app = test_app(empty_list(Mocks::new()), jwt).await;
    let token = TokenIssuer::hs256(SECRET, None, None)
        .sign(&Claims {
            nbf: Some(now() + 30),
            ..claims(now() + 600)
        })
        .unwrap();
    let (status, body) = error_of(&app, bearer(get("/live-classes"), &token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_token");
    // Expired 30 s ago: within 60 s of leeway, not within 0.
    let expired = TokenIssuer::hs256(SECRET, None, None)
        .sign(&claims(now() - 30))
        .unwrap();
    let (status, body) = error_of(&app, bearer(get("/live-classes"), &expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "token_expired");
    let lenient = test_app(empty_list(Mocks::new()), hs256()).await;
    let res = atest::call_service(
        &lenient,
        bearer(get("/live-classes"), &expired).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_audience_array_is_accepted_when_one_of_its_members_matches() {
    use liveclass_http::auth::Audience;
    let jwt = JwtConfig {
        audience: Some("liveclass".into()),
        ..hs256()
    };
    let app = test_app(empty_list(Mocks::new()), jwt).await;
    let issuer = TokenIssuer::hs256(SECRET, None, None);
    let with_aud = |aud: Audience| {
        issuer
            .sign(&Claims {
                aud: Some(aud),
                ..claims(now() + 600)
            })
            .unwrap()
    };
    for aud in [
        Audience::Many(vec!["other".into(), "liveclass".into()]),
        Audience::Many(vec!["liveclass".into()]),
        Audience::One("liveclass".into()),
    ] {
        let res = atest::call_service(
            &app,
            bearer(get("/live-classes"), &with_aud(aud.clone())).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{aud:?}");
    }
    for aud in [
        Audience::Many(vec!["other".into(), "another".into()]),
        Audience::Many(vec![]),
        Audience::One("other".into()),
    ] {
        let (status, body) =
            error_of(&app, bearer(get("/live-classes"), &with_aud(aud.clone()))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{aud:?}");
        assert_eq!(body["code"], "invalid_token", "{aud:?}");
    }
    // Without a configured audience, an array is not a malformed token.
    let open = test_app(empty_list(Mocks::new()), hs256()).await;
    let token = with_aud(Audience::Many(vec!["a".into(), "b".into()]));
    let res = atest::call_service(&open, bearer(get("/live-classes"), &token).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn control_characters_in_token_ids_are_an_invalid_token() {
    let app = test_app(Mocks::new(), hs256()).await;
    let issuer = TokenIssuer::hs256(SECRET, None, None);
    for (sub, tenant) in [
        ("u\u{0}1", "tenant-a"),
        ("u1", "tenant\u{1b}-a"),
        ("u1\n", "tenant-a"),
    ] {
        let token = issuer
            .sign(&Claims {
                sub: sub.into(),
                tenant_id: tenant.into(),
                ..claims(now() + 600)
            })
            .unwrap();
        let (status, body) = error_of(&app, bearer(get("/live-classes"), &token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{sub:?} {tenant:?}");
        assert_eq!(body["code"], "invalid_token", "{sub:?} {tenant:?}");
    }
}

fn empty_list(mut mocks: Mocks) -> Mocks {
    mocks.classes.expect_list().returning(|_, _, page| {
        Ok(liveclass_domain::ClassPage {
            total: 0,
            page,
            classes: vec![],
        })
    });
    mocks
}

#[actix_web::test]
async fn rs256_and_es256_tokens_verify_with_their_public_keys() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| std::fs::read(fixtures.join(name)).unwrap();
    let cases = [
        (
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&read("rs256-private.pem")).unwrap(),
            read("rs256-public.pem"),
        ),
        (
            Algorithm::ES256,
            EncodingKey::from_ec_pem(&read("es256-private.pem")).unwrap(),
            read("es256-public.pem"),
        ),
    ];
    for (alg, private, public) in cases {
        let jwt = JwtConfig {
            key: JwtKey::PublicKeyPem(public),
            issuer: None,
            audience: None,
            leeway_seconds: liveclass_http::auth::DEFAULT_LEEWAY_SECONDS,
            claims: liveclass_http::ClaimMapping::default(),
        };
        assert_eq!(JwtVerifier::new(&jwt).unwrap().algorithm(), alg);
        let app = test_app(empty_list(Mocks::new()), jwt).await;
        let signed =
            jsonwebtoken::encode(&Header::new(alg), &claims(now() + 600), &private).unwrap();
        let res =
            atest::call_service(&app, bearer(get("/live-classes"), &signed).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{alg:?}");
        // An HS256 token signed with anything is refused under a public key.
        let (status, _) = error_of(&app, bearer(get("/live-classes"), &token("u1", &[]))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{alg:?}");
    }
}

#[actix_web::test]
async fn a_pem_that_is_not_a_public_key_is_refused_at_start() {
    let jwt = JwtConfig {
        key: JwtKey::PublicKeyPem(
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".to_vec(),
        ),
        issuer: None,
        audience: None,
        leeway_seconds: 60,
        claims: liveclass_http::ClaimMapping::default(),
    };
    assert!(JwtVerifier::new(&jwt).is_err());
}

// ---- the error shape of framework-level failures ----

#[actix_web::test]
async fn unknown_routes_answer_json_404_and_unknown_methods_405() {
    let app = test_app(Mocks::new(), hs256()).await;
    for req in [get("/nope"), get("/live-classes/x/y/z")] {
        let (status, body) = error_of(&app, req).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["code"], "not_found");
    }
    let req = atest::TestRequest::delete()
        .uri("/live-classes")
        .to_request();
    let res = atest::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        res.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, POST")
    );
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(body["code"], "method_not_allowed");
}

#[actix_web::test]
async fn bodies_over_64_kib_are_413() {
    let app = test_app(Mocks::new(), hs256()).await;
    let huge = json!({"title": "x", "description": "d".repeat(70 * 1024), "scheduledAt": "2030-01-01T10:00:00Z"});
    let req = bearer(post("/live-classes"), &token("m", &["org_admin"])).set_json(huge);
    let (status, body) = error_of(&app, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "payload_too_large");
}

#[actix_web::test]
async fn bodies_that_are_not_json_are_415() {
    let app = test_app(Mocks::new(), hs256()).await;
    let req = bearer(post("/live-classes"), &token("m", &["org_admin"]))
        .insert_header(("content-type", "text/plain"))
        .set_payload("title=x");
    let (status, body) = error_of(&app, req).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["code"], "unsupported_media_type");
}

#[actix_web::test]
async fn malformed_json_and_wrong_types_name_the_problem() {
    let app = test_app(Mocks::new(), hs256()).await;
    let manager = token("m", &["org_admin"]);
    let cases = [
        ("{\"title\": ", "Invalid JSON body"),
        ("{\"scheduledAt\": \"2030-01-01T10:00:00Z\"}", "title"),
        (
            "{\"title\": \"x\", \"scheduledAt\": \"tomorrow\"}",
            "scheduledAt",
        ),
        (
            "{\"title\": \"x\", \"scheduledAt\": \"2030-01-01T10:00:00Z\", \"maxParticipants\": \"many\"}",
            "maxParticipants",
        ),
    ];
    for (payload, mentions) in cases {
        let req = bearer(post("/live-classes"), &manager)
            .insert_header(("content-type", "application/json"))
            .set_payload(payload);
        let (status, body) = error_of(&app, req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{payload}");
        assert_eq!(body["code"], "invalid_body");
        assert!(
            body["message"].as_str().unwrap().contains(mentions),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn domain_validation_failures_are_400_naming_the_field() {
    let app = test_app(Mocks::new(), hs256()).await;
    let manager = token("m", &["org_admin"]);
    for (body, field) in [
        (
            json!({"title": "", "scheduledAt": "2030-01-01T10:00:00Z"}),
            "title",
        ),
        (
            json!({"title": "x", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": 501}),
            "maxParticipants",
        ),
        (
            json!({"title": "x", "description": "d".repeat(5001), "scheduledAt": "2030-01-01T10:00:00Z"}),
            "description",
        ),
    ] {
        let (status, body) =
            error_of(&app, bearer(post("/live-classes"), &manager).set_json(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "validation_failed");
        assert!(
            body["message"].as_str().unwrap().starts_with(field),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn bad_query_values_and_ids_are_400() {
    let app = test_app(Mocks::new(), hs256()).await;
    let t = token("u1", &[]);
    for (uri, mentions) in [
        ("/live-classes?limit=abc", "limit"),
        ("/live-classes?limit=0", "limit"),
        ("/live-classes?limit=101", "limit"),
        ("/live-classes?offset=-1", "offset"),
        ("/live-classes?status=bogus", "status"),
        ("/live-classes/not-a-uuid", "liveClassId"),
        ("/live-classes/not-a-uuid/participants", "liveClassId"),
    ] {
        let (status, body) = error_of(&app, bearer(get(uri), &t)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            body["message"].as_str().unwrap().contains(mentions),
            "{uri}: {body}"
        );
    }
}

// ---- domain errors → status codes ----

#[actix_web::test]
async fn a_full_class_is_409_with_the_seed_message() {
    let mut mocks = Mocks::new().finding(live_class());
    mocks
        .participations
        .expect_admit()
        .returning(|_| Ok(AdmitOutcome::Full { capacity: 150 }));
    let app = test_app(mocks, hs256()).await;
    let (status, body) = error_of(
        &app,
        bearer(
            post(&format!("/live-classes/{CLASS}/join")),
            &token("s", &[]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["message"],
        "Live class is at maximum capacity (150 participants)"
    );
    assert_eq!(body["code"], "class_full");
    assert_eq!(body["error"], "Conflict");
}

#[actix_web::test]
async fn lifecycle_refusals_are_403_and_400() {
    let app = test_app(Mocks::new().finding(live_class()), hs256()).await;
    let (status, body) = error_of(
        &app,
        bearer(
            post(&format!("/live-classes/{CLASS}/start")),
            &token("someone", &["org_admin"]),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_class_creator"))
    );
    assert_eq!(
        body["message"],
        "Only the class creator can start the class"
    );
    let (status, body) = error_of(
        &app,
        bearer(
            post(&format!("/live-classes/{CLASS}/start")),
            &token("teacher", &["org_admin"]),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_status_transition"))
    );
    assert_eq!(body["message"], "Cannot start class with status: live");
}

#[actix_web::test]
async fn an_unreachable_database_is_503_and_a_bug_is_an_opaque_500() {
    let mut mocks = Mocks::new();
    mocks
        .participations
        .expect_roster()
        .returning(|_, _, _| Err(RepoError::Unavailable(anyhow::anyhow!("pool timed out"))));
    mocks.classes.expect_list().returning(|_, _, _| {
        Err(RepoError::Unexpected(anyhow::anyhow!(
            "secret internal detail"
        )))
    });
    let app = test_app(mocks, hs256()).await;
    let t = token("u", &[]);
    let (status, body) = error_of(&app, bearer(get(&format!("/live-classes/{CLASS}")), &t)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("database_unavailable")
        )
    );
    let (status, body) = error_of(&app, bearer(get("/live-classes"), &t)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("internal_error"))
    );
    assert!(!body["message"].as_str().unwrap().contains("secret"));
}

#[actix_web::test]
async fn a_video_provider_failure_on_create_is_502() {
    let mut mocks = Mocks::new();
    mocks
        .video
        .expect_create_room()
        .returning(|_| Err(VideoError::Unavailable("timed out".into())));
    let app = test_app(mocks, hs256()).await;
    let req = bearer(post("/live-classes"), &token("m", &["training_manager"]))
        .set_json(json!({"title": "x", "scheduledAt": "2030-01-01T10:00:00Z"}));
    let (status, body) = error_of(&app, req).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("video_provider_unavailable"))
    );
}

#[actix_web::test]
async fn the_host_url_is_shown_to_the_creator_only() {
    let mut mocks = Mocks::new().finding(live_class());
    mocks
        .participations
        .expect_roster()
        .returning(|_, _, _| Ok(Some((live_class(), vec![]))));
    let app = test_app(mocks, hs256()).await;
    for (who, shown) in [("teacher", true), ("student", false)] {
        let res = atest::call_service(
            &app,
            bearer(get(&format!("/live-classes/{CLASS}")), &token(who, &[])).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = atest::read_body_json(res).await;
        assert_eq!(body.get("hostUrl").is_some(), shown, "{who}: {body}");
        assert_eq!(body["activeParticipants"], 0);
        assert_eq!(body["participants"], json!([]));
    }
}

// ---- health, docs, OpenAPI ----

#[actix_web::test]
async fn health_and_readiness() {
    let mut mocks = Mocks::new();
    mocks.classes.expect_ping().returning(|| Ok(()));
    let app = test_app(mocks, hs256()).await;
    for path in ["/healthz", "/readyz"] {
        let res = atest::call_service(&app, get(path).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers().contains_key("x-request-id"));
    }
    let mut mocks = Mocks::new();
    mocks
        .classes
        .expect_ping()
        .returning(|| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
    let down = test_app(mocks, hs256()).await;
    let (status, _) = error_of(&down, get("/readyz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[actix_web::test]
async fn swagger_ui_and_the_document_are_served() {
    let app = test_app(Mocks::new(), hs256()).await;
    let res = atest::call_service(&app, get("/docs").to_request()).await;
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    let res = atest::call_service(&app, get("/docs/").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = atest::call_service(&app, get("/openapi.json").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = atest::read_body_json(res).await;
    assert!(doc["paths"]["/live-classes/{liveClassId}/join"]["post"].is_object());
    // What schemathesis tests (`make contract`) is what is checked in.
    let checked_in: Value =
        serde_json::from_str(&liveclass_http::openapi::document_json()).unwrap();
    assert_eq!(doc, checked_in);
}

#[test]
fn the_checked_in_openapi_document_is_what_the_code_generates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = liveclass_http::openapi::document_json();
    assert!(
        checked_in == generated,
        "openapi/openapi.json is stale: run `make openapi` and commit the result"
    );
}

// ---- PATCH, DELETE and the token endpoint (issue 3) ----

fn patch(path: &str) -> atest::TestRequest {
    atest::TestRequest::patch().uri(path)
}

fn delete(path: &str) -> atest::TestRequest {
    atest::TestRequest::delete().uri(path)
}

fn scheduled_class() -> LiveClass {
    LiveClass {
        status: ClassStatus::Scheduled,
        started_at: None,
        ..live_class()
    }
}

#[actix_web::test]
async fn the_creator_patches_a_class_and_its_room_follows() {
    use liveclass_domain::class::UpdateOutcome;
    let mut mocks = Mocks::new().rostering(scheduled_class());
    mocks
        .video
        .expect_update_room()
        .withf(|_, spec| spec.title == "Rust 2" && spec.max_participants == 20)
        .times(1)
        .returning(|room, _| Ok(room.clone()));
    mocks
        .classes
        .expect_update_details()
        .returning(|_, _, u, _| {
            Ok(UpdateOutcome::Updated(Box::new(LiveClass {
                title: u.title.clone(),
                description: u.description.clone(),
                max_participants: u.max_participants,
                scheduled_at: u.scheduled_at,
                ..scheduled_class()
            })))
        });
    let app = test_app(mocks, hs256()).await;
    let req = bearer(
        patch(&format!("/live-classes/{CLASS}")),
        &token("teacher", &[]),
    )
    .set_json(
        json!({"title": "Rust 2", "maxParticipants": 20, "description": null,
               "scheduledAt": "2030-02-01T09:00:00Z"}),
    );
    let res = atest::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(body["title"], "Rust 2");
    assert_eq!(body["maxParticipants"], 20);
    assert_eq!(body["scheduledAt"], "2030-02-01T09:00:00Z");
    assert_eq!(body["description"], Value::Null);
    assert_eq!(body["hostUrl"], "https://host/r");
}

#[actix_web::test]
async fn patch_refusals_use_the_error_shape() {
    // Below the 150 participants in the class now.
    let in_class: Vec<Participation> = (0..150u128)
        .map(|i| Participation {
            id: ParticipationId::from_uuid(uuid::Uuid::from_u128(1000 + i)),
            class_id: live_class().id,
            tenant_id: TenantId::parse("tenant-a").unwrap(),
            user_id: UserId::parse(&format!("student-{i}")).unwrap(),
            user_name: None,
            role: ParticipantRole::Participant,
            joined_at: datetime!(2030-01-01 10:01 UTC),
            left_at: None,
        })
        .collect();
    let mut mocks = Mocks::new();
    mocks
        .participations
        .expect_roster()
        .returning(move |_, _, _| Ok(Some((live_class(), in_class.clone()))));
    let app = test_app(mocks, hs256()).await;
    let (status, body) = error_of(
        &app,
        bearer(
            patch(&format!("/live-classes/{CLASS}")),
            &token("teacher", &[]),
        )
        .set_json(json!({"maxParticipants": 100})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("capacity_below_active"))
    );
    let (status, body) = error_of(
        &app,
        bearer(
            patch(&format!("/live-classes/{CLASS}")),
            &token("teacher", &[]),
        )
        .set_json(json!({"maxParticipant": 100})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body"))
    );
    let (status, body) = error_of(
        &app,
        bearer(
            patch(&format!("/live-classes/{CLASS}")),
            &token("student", &[]),
        )
        .set_json(json!({"title": "Mine now"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_class_creator"))
    );
}

#[actix_web::test]
async fn provider_failures_map_in_one_place_and_never_echo_the_provider() {
    let cases = [
        (
            VideoError::RateLimited {
                retry_after: Some(std::time::Duration::from_secs(7)),
            },
            StatusCode::SERVICE_UNAVAILABLE,
            "video_provider_rate_limited",
            Some("7"),
        ),
        (
            VideoError::Unavailable("secret-account-detail 500".into()),
            StatusCode::BAD_GATEWAY,
            "video_provider_unavailable",
            None,
        ),
        (
            VideoError::Invalid("secret-account-detail bad field".into()),
            StatusCode::BAD_GATEWAY,
            "video_provider_unavailable",
            None,
        ),
    ];
    for (error, status, code, retry_after) in cases {
        let mut mocks = Mocks::new().rostering(scheduled_class());
        let error = std::sync::Mutex::new(Some(error));
        mocks
            .video
            .expect_update_room()
            .returning(move |_, _| Err(error.lock().unwrap().take().unwrap()));
        let app = test_app(mocks, hs256()).await;
        let res = atest::call_service(
            &app,
            bearer(
                patch(&format!("/live-classes/{CLASS}")),
                &token("teacher", &[]),
            )
            .set_json(json!({"title": "Rust 2"}))
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), status);
        assert_eq!(
            res.headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned())
                .as_deref(),
            retry_after
        );
        let body: Value = atest::read_body_json(res).await;
        assert_eq!(body["code"], code);
        assert!(
            !body["message"]
                .as_str()
                .unwrap()
                .contains("secret-account-detail"),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn delete_cancels_a_scheduled_class_and_deletes_its_room() {
    use liveclass_domain::class::TransitionOutcome;
    let mut mocks = Mocks::new().finding(scheduled_class());
    mocks.classes.expect_mark_cancelled().returning(|_, _, _| {
        Ok(TransitionOutcome::Changed(Box::new(LiveClass {
            status: ClassStatus::Cancelled,
            ..scheduled_class()
        })))
    });
    mocks
        .video
        .expect_delete_room()
        .times(1)
        .returning(|_| Ok(()));
    let app = test_app(mocks, hs256()).await;
    let res = atest::call_service(
        &app,
        bearer(
            delete(&format!("/live-classes/{CLASS}")),
            &token("teacher", &[]),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(body["status"], "cancelled");
}

#[actix_web::test]
async fn a_live_class_cannot_be_deleted() {
    let app = test_app(Mocks::new().finding(live_class()), hs256()).await;
    let (status, body) = error_of(
        &app,
        bearer(
            delete(&format!("/live-classes/{CLASS}")),
            &token("teacher", &[]),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_status_transition"))
    );
    assert_eq!(body["message"], "Cannot cancel class with status: live");
}

#[actix_web::test]
async fn the_token_endpoint_reissues_credentials_to_an_admitted_caller_only() {
    use liveclass_domain::class::{ParticipantRole, Participation};
    use liveclass_domain::ids::ParticipationId;
    use liveclass_domain::video::JoinCredentials;
    let mut mocks = Mocks::new().finding(live_class());
    mocks
        .participations
        .expect_is_removed()
        .returning(|_, _, _| Ok(false));
    mocks
        .participations
        .expect_list_for_class()
        .returning(|_, _, _| {
            Ok(vec![Participation {
                id: ParticipationId::from_uuid(uuid::Uuid::from_u128(5)),
                class_id: live_class().id,
                tenant_id: live_class().tenant_id,
                user_id: UserId::parse("student").unwrap(),
                user_name: None,
                role: ParticipantRole::Participant,
                joined_at: datetime!(2030-01-01 10:01 UTC),
                left_at: None,
            }])
        });
    mocks.video.expect_join_credentials().returning(|room, _| {
        Ok(JoinCredentials {
            url: room.join_url.clone(),
            token: Some("fresh".into()),
            expires_at: Some(datetime!(2030-01-01 14:00 UTC)),
        })
    });
    let app = test_app(mocks, hs256()).await;
    let res = atest::call_service(
        &app,
        bearer(
            post(&format!("/live-classes/{CLASS}/token")),
            &token("student", &[]),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(
        body,
        json!({
            "liveClassId": CLASS,
            "role": "participant",
            "joinUrl": "https://meet.jit.si/r",
            "token": "fresh",
            "tokenExpiresAt": "2030-01-01T14:00:00Z"
        })
    );
    let (status, body) = error_of(
        &app,
        bearer(
            post(&format!("/live-classes/{CLASS}/token")),
            &token("outsider", &[]),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_admitted"))
    );
}
