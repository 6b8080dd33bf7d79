//! HTTP tests that replace a whole service with its mock: the handler sees
//! only the `LiveClasses` trait, and the body is parsed before it is called.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test as atest;
use actix_web::{App, web};
use liveclass_domain::LiveClasses;
use liveclass_domain::class::errors::GetClassError;
use liveclass_domain::class::{ClassPolicy, MockLiveClasses};
use liveclass_http::{JwtConfig, JwtKey, JwtVerifier, TokenIssuer, middleware, routes};
use serde_json::{Value, json};

const SECRET: &[u8] = b"an-http-test-secret-of-at-least-32-bytes";

async fn call(service: MockLiveClasses, req: atest::TestRequest) -> (StatusCode, Value) {
    let service: Arc<dyn LiveClasses> = Arc::new(service);
    let jwt = JwtConfig {
        key: JwtKey::Hs256Secret(SECRET.to_vec()),
        issuer: None,
        audience: None,
    };
    let app = atest::init_service(
        App::new()
            .wrap(middleware::json_errors())
            .app_data(web::Data::from(service))
            .app_data(web::Data::new(JwtVerifier::new(&jwt).unwrap()))
            .configure(routes::configure),
    )
    .await;
    let token = TokenIssuer::hs256(SECRET, None, None)
        .mint("teacher-1", "tenant-a", &["training_manager"], None, 600)
        .unwrap();
    let res = atest::call_service(
        &app,
        req.insert_header(("Authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    let status = res.status();
    (status, atest::read_body_json(res).await)
}

#[actix_web::test]
async fn a_mocked_service_answers_for_the_whole_use_case() {
    let mut service = MockLiveClasses::new();
    service
        .expect_get()
        .times(1)
        .returning(|_, _| Err(GetClassError::NotFound));
    let (status, body) = call(
        service,
        atest::TestRequest::get().uri("/live-classes/123e4567-e89b-12d3-a456-426614174000"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "class_not_found");
}

#[actix_web::test]
async fn an_invalid_body_is_refused_at_the_edge_in_the_apis_own_names() {
    let mut service = MockLiveClasses::new();
    // The edge reads the policy to bound maxParticipants, and never calls
    // `create`: the mock would panic.
    service.expect_policy().return_const(ClassPolicy::default());
    let (status, body) = call(
        service,
        atest::TestRequest::post()
            .uri("/live-classes")
            .set_json(json!({
                "title": "Rust",
                "scheduledAt": "2030-03-02T14:00:00Z",
                "maxParticipants": 501
            })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(
        body["message"],
        "maxParticipants: must be between 1 and 500"
    );
}
