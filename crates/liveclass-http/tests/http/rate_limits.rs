//! Rate limits through the app: writes and joins counted per user and per
//! tenant, 429 `rate_limited` with `Retry-After`, reads never counted, and
//! the OpenAPI document naming 429 on exactly the operations that count.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use actix_web::test as atest;
use liveclass_domain::calendar::MockCalendars;
use liveclass_domain::class::MockLiveClasses;
use liveclass_domain::class::errors::JoinClassError;
use liveclass_http::TokenIssuer;
use liveclass_http::rate_limit::{Quota, RateLimitSettings, RateLimiter, kind_of};
use serde_json::Value;

const CLASS: &str = "00000000-0000-0000-0000-0000000000aa";

fn per_minute(requests: u32) -> Option<Quota> {
    Some(Quota {
        requests,
        period: Duration::from_secs(60),
    })
}

fn token(sub: &str, tenant: &str) -> String {
    TokenIssuer::hs256(common::SECRET, None, None)
        .mint(sub, tenant, &[], None, 600)
        .unwrap()
}

#[actix_web::test]
async fn writes_and_joins_are_limited_per_user_and_tenant_and_reads_are_not() {
    let mut services = common::mocked_services();
    let mut calendars = MockCalendars::new();
    calendars.expect_revoke_tokens().returning(|_| Ok(0));
    services.calendars = Arc::new(calendars);
    let mut classes = MockLiveClasses::new();
    classes
        .expect_join()
        .returning(|_, _| Err(JoinClassError::NotFound));
    classes.expect_list().returning(|_, query| {
        Ok(liveclass_domain::ClassPage {
            total: 0,
            page: query.page,
            classes: vec![],
        })
    });
    services.live_classes = Arc::new(classes);
    let mut state = common::state(services, &common::hs256());
    state.limits = Arc::new(RateLimiter::new(RateLimitSettings {
        writes_per_user: per_minute(2),
        writes_per_tenant: per_minute(3),
        joins_per_user: per_minute(1),
        joins_per_tenant: None,
        interactions_per_user: None,
    }));
    let app = atest::init_service(liveclass_http::app(state)).await;
    let call = |method: Method, uri: &str, token: &str| {
        atest::TestRequest::default()
            .method(method)
            .uri(uri)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request()
    };
    let (ada, bob, eve) = (
        token("ada", "acme"),
        token("bob", "acme"),
        token("eve", "other"),
    );
    let revoke = "/calendar/tokens";
    let join = format!("/live-classes/{CLASS}/join");

    // Ada: two writes, then 429 with Retry-After.
    for _ in 0..2 {
        let res = atest::call_service(&app, call(Method::DELETE, revoke, &ada)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = atest::call_service(&app, call(Method::DELETE, revoke, &ada)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = res
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["statusCode"], 429);
    assert_eq!(body["error"], "Too Many Requests");

    // Reads are not counted; joins have their own limit (a 404 counts too).
    for _ in 0..5 {
        let res = atest::call_service(&app, call(Method::GET, "/live-classes", &ada)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = atest::call_service(&app, call(Method::POST, &join, &ada)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = atest::call_service(&app, call(Method::POST, &join, &ada)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    // Bob, same tenant: one write left in the tenant's three.
    let res = atest::call_service(&app, call(Method::DELETE, revoke, &bob)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = atest::call_service(&app, call(Method::DELETE, revoke, &bob)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = atest::read_body_json(res).await;
    assert!(
        body["message"].as_str().unwrap().contains("tenant"),
        "{body}"
    );

    // Another tenant is not affected.
    let res = atest::call_service(&app, call(Method::DELETE, revoke, &eve)).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn exactly_the_counted_operations_document_429() {
    let doc = serde_json::to_value(liveclass_http::routes::openapi()).unwrap();
    let mut counted = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let codes: Vec<&str> = op["responses"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|r| r["x-error-codes"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            let bearer = codes.contains(&"missing_token");
            let expected = bearer && kind_of(&method, path).is_some();
            assert_eq!(
                codes.contains(&"rate_limited"),
                expected,
                "{method} {path}: {codes:?}"
            );
            if expected {
                assert!(op["responses"]["429"].is_object(), "{method} {path}");
                counted += 1;
            }
        }
    }
    assert!(counted >= 10, "{counted}");
}
