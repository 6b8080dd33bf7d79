//! The HTTP shell of schedules, join links, recorded times and calendars
//! over mocked ports: status codes, stable codes and the error shape.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test as atest;
use liveclass_domain::LiveClassService;
use liveclass_domain::LiveClasses;
use liveclass_domain::Services;
use liveclass_domain::actual_times::ActualTimes;
use liveclass_domain::actual_times::{ActualTimesPolicy, ActualTimesService};
use liveclass_domain::calendar::Calendars;
use liveclass_domain::calendar::{CalendarService, MockCalendarTokenRepository};
use liveclass_domain::class::ClassPolicy;
use liveclass_domain::class::ports::{MockClassRepository, MockParticipationRepository};
use liveclass_domain::clock::FixedClock;
use liveclass_domain::ids::RandomIds;
use liveclass_domain::join_link::JoinLinks;
use liveclass_domain::join_link::{JoinLinkPolicy, JoinLinkService, MockJoinLinkRepository};
use liveclass_domain::schedule::Schedules;
use liveclass_domain::schedule::ports::MockScheduleRepository;
use liveclass_domain::schedule::{SchedulePolicy, ScheduleService};
use liveclass_domain::video::MockVideoProvider;
use liveclass_http::{JwtConfig, JwtKey, TokenIssuer};
use serde_json::{Value, json};
use time::macros::datetime;

const SECRET: &[u8] = b"an-http-test-secret-of-at-least-32-bytes";

#[derive(Default)]
struct Mocks {
    schedules: Option<MockScheduleRepository>,
    links: Option<MockJoinLinkRepository>,
    tokens: Option<MockCalendarTokenRepository>,
}

async fn app(
    mocks: Mocks,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let clock = Arc::new(FixedClock::at(datetime!(2030-01-01 10:00 UTC)));
    let classes: Arc<dyn LiveClasses> = Arc::new(LiveClassService::new(
        Arc::new(MockClassRepository::new()),
        Arc::new(MockParticipationRepository::new()),
        Arc::new(MockVideoProvider::new()),
        clock.clone(),
        Arc::new(RandomIds),
        ClassPolicy::default(),
    ));
    let schedules: Arc<dyn Schedules> = Arc::new(ScheduleService::new(
        Arc::new(mocks.schedules.unwrap_or_default()),
        Arc::new(MockVideoProvider::new()),
        clock.clone(),
        Arc::new(RandomIds),
        SchedulePolicy::default(),
    ));
    let links: Arc<dyn JoinLinks> = Arc::new(JoinLinkService::new(
        Arc::new(mocks.links.unwrap_or_default()),
        classes.clone(),
        clock.clone(),
        JoinLinkPolicy::default(),
    ));
    let times: Arc<dyn ActualTimes> = Arc::new(ActualTimesService::new(
        Arc::new(MockClassRepository::new()),
        clock.clone(),
        ActualTimesPolicy::default(),
    ));
    let calendar: Arc<dyn Calendars> = Arc::new(CalendarService::new(
        Arc::new(mocks.tokens.unwrap_or_default()),
        Arc::new(MockClassRepository::new()),
        clock,
        Arc::new(RandomIds),
    ));
    let jwt = JwtConfig {
        key: JwtKey::Hs256Secret(SECRET.to_vec()),
        issuer: None,
        audience: None,
        leeway_seconds: liveclass_http::auth::DEFAULT_LEEWAY_SECONDS,
        claims: liveclass_http::ClaimMapping::default(),
    };
    let services = Services {
        live_classes: classes,
        schedules,
        join_links: links,
        actual_times: times,
        calendars: calendar,
        ..common::mocked_services()
    };
    atest::init_service(liveclass_http::app(common::state(services, &jwt))).await
}

fn token(roles: &[&str]) -> String {
    TokenIssuer::hs256(SECRET, None, None)
        .mint("u1", "tenant-a", roles, None, 600)
        .unwrap()
}

async fn error<S, B>(app: &S, req: atest::TestRequest) -> (StatusCode, String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = atest::call_service(app, req.to_request()).await;
    let status = res.status();
    let body: Value = atest::read_body_json(res).await;
    assert_eq!(body["statusCode"], status.as_u16());
    (
        status,
        body["code"].as_str().unwrap().to_owned(),
        body["message"].as_str().unwrap().to_owned(),
    )
}

fn schedule_body() -> Value {
    json!({
        "courseId": "c", "title": "t", "timezone": "America/New_York", "startTime": "14:00",
        "durationMinutes": 60, "recurrence": {"frequency": "weekly", "weekdays": ["MO"]},
        "startsOn": "2030-03-01", "endsOn": "2030-06-30"
    })
}

#[actix_web::test]
async fn schedules_are_for_managers_only() {
    let app = app(Mocks::default()).await;
    let req = atest::TestRequest::post()
        .uri("/schedules")
        .insert_header(("Authorization", format!("Bearer {}", token(&["student"]))))
        .set_json(schedule_body());
    assert_eq!(error(&app, req).await.0, StatusCode::FORBIDDEN,);
}

#[actix_web::test]
async fn a_schedule_body_without_a_field_names_it() {
    let app = app(Mocks::default()).await;
    let mut body = schedule_body();
    body.as_object_mut().unwrap().remove("timezone");
    let req = atest::TestRequest::post()
        .uri("/schedules")
        .insert_header(("Authorization", format!("Bearer {}", token(&["org_admin"]))))
        .set_json(body);
    let (status, code, message) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    assert!(message.contains("timezone"), "{message}");
}

#[actix_web::test]
async fn an_over_long_schedule_is_too_many_occurrences() {
    let app = app(Mocks::default()).await;
    let mut body = schedule_body();
    body["recurrence"] = json!({"frequency": "daily"});
    body["endsOn"] = json!("2040-01-01");
    let req = atest::TestRequest::post()
        .uri("/schedules")
        .insert_header(("Authorization", format!("Bearer {}", token(&["org_admin"]))))
        .set_json(body);
    let (status, code, _) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "too_many_occurrences")
    );
}

#[actix_web::test]
async fn an_unknown_schedule_is_schedule_not_found() {
    let mut schedules = MockScheduleRepository::new();
    schedules.expect_find().returning(|_, _| Ok(None));
    let app = app(Mocks {
        schedules: Some(schedules),
        ..Mocks::default()
    })
    .await;
    let req = atest::TestRequest::get()
        .uri("/schedules/00000000-0000-0000-0000-000000000001")
        .insert_header(("Authorization", format!("Bearer {}", token(&["org_admin"]))));
    let (status, code, _) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "schedule_not_found")
    );
}

#[actix_web::test]
async fn an_unknown_join_link_is_join_link_not_found() {
    let mut links = MockJoinLinkRepository::new();
    links.expect_find_by_join_hash().returning(|_, _| Ok(None));
    let app = app(Mocks {
        links: Some(links),
        ..Mocks::default()
    })
    .await;
    let req = atest::TestRequest::get()
        .uri(&format!("/join/{}", "a".repeat(64)))
        .insert_header(("Authorization", format!("Bearer {}", token(&[]))));
    let (status, code, _) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "join_link_not_found")
    );
}

#[actix_web::test]
async fn recorded_times_take_one_field_at_a_time() {
    let app = app(Mocks::default()).await;
    let req = atest::TestRequest::put()
        .uri("/live-classes/00000000-0000-0000-0000-000000000001/actual-times")
        .insert_header(("Authorization", format!("Bearer {}", token(&["org_admin"]))))
        .set_json(json!({"startedAt": "2030-01-01T10:00:00Z", "endedAt": "2030-01-01T11:00:00Z"}));
    let (status, code, _) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "one_field_at_a_time")
    );
}

#[actix_web::test]
async fn a_revoked_calendar_token_is_calendar_not_found() {
    let mut tokens = MockCalendarTokenRepository::new();
    tokens.expect_owner().returning(|_| Ok(None));
    let app = app(Mocks {
        tokens: Some(tokens),
        ..Mocks::default()
    })
    .await;
    let req = atest::TestRequest::get().uri(&format!("/calendar/me.ics?token={}", "b".repeat(64)));
    let (status, code, _) = error(&app, req).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "calendar_not_found")
    );
}
