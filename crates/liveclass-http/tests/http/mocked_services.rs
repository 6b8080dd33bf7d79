//! HTTP tests that replace a whole service with its mock: the handler sees
//! only the `LiveClasses` trait, and the body is parsed before it is called.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test as atest;
use liveclass_domain::class::errors::GetClassError;
use liveclass_domain::class::{ClassPolicy, MockLiveClasses};
use liveclass_http::TokenIssuer;
use serde_json::{Value, json};

use common::SECRET;

async fn call(service: MockLiveClasses, req: atest::TestRequest) -> (StatusCode, Value) {
    let mut services = common::mocked_services();
    services.live_classes = Arc::new(service);
    let app = atest::init_service(liveclass_http::app(common::state(
        services,
        &common::hs256(),
    )))
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
