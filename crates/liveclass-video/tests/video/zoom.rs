#![allow(clippy::unwrap_used)]
//! The Zoom adapter against a wiremock Zoom (API and OAuth): exact requests,
//! token caching and renewal (also under concurrency), code 124, and every
//! error status mapped.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::{fast_http, spec, who};
use liveclass_domain::class::ParticipantRole;
use liveclass_domain::clock::FixedClock;
use liveclass_domain::video::{Room, VideoError, VideoProvider};
use liveclass_video::{Secret, ZoomConfig, ZoomVideoProvider};
use serde_json::{Value, json};
use time::macros::datetime;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// base64("zoom-client:zoom-secret").
const BASIC: &str = "Basic em9vbS1jbGllbnQ6em9vbS1zZWNyZXQ=";

fn config(server: &MockServer) -> ZoomConfig {
    let mut config = ZoomConfig::new("acc-1", "zoom-client", Secret::new("zoom-secret"));
    config.api_url = format!("{}/v2", server.uri());
    config.oauth_url = format!("{}/oauth/token", server.uri());
    config.user_id = "host@example.com".into();
    config.http = fast_http();
    config
}

fn provider(server: &MockServer, clock: &Arc<FixedClock>) -> ZoomVideoProvider {
    ZoomVideoProvider::new(config(server))
        .unwrap()
        .with_clock(clock.clone())
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(datetime!(2030-01-01 09:00 UTC)))
}

/// The token endpoint: answers `token-N` for the N-th call.
async fn mount_oauth(server: &MockServer, expected_calls: u64) {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(query_param("grant_type", "account_credentials"))
        .and(query_param("account_id", "acc-1"))
        .and(header("authorization", BASIC))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "access_token": format!("token-{n}"),
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "scope": "meeting:write:admin",
                    "api_url": "https://api.zoom.us"
                }))
                // Slow enough that concurrent callers overlap.
                .set_delay(Duration::from_millis(100))
        })
        .expect(expected_calls)
        .mount(server)
        .await;
}

fn meeting() -> Value {
    json!({
        "id": 85_746_065_432_i64,
        "uuid": "4444AAAiAAAAAiAiAiiAii==",
        "host_id": "h1",
        "topic": "Rust 101",
        "type": 2,
        "start_time": "2030-01-01T10:00:00Z",
        "duration": 60,
        "timezone": "UTC",
        "join_url": "https://zoom.us/j/85746065432?pwd=abc",
        "start_url": "https://zoom.us/s/85746065432?zak=host-token",
        "password": "x7Yz"
    })
}

fn room() -> Room {
    Room {
        provider: "zoom".into(),
        external_id: "85746065432".into(),
        join_url: "https://zoom.us/j/85746065432?pwd=abc".into(),
        host_url: Some("https://zoom.us/s/85746065432?zak=old".into()),
        password: Some("x7Yz".into()),
    }
}

#[tokio::test]
async fn creating_a_room_schedules_a_meeting_for_the_host_in_utc() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/v2/users/host@example.com/meetings"))
        .and(header("authorization", "Bearer token-1"))
        .and(body_json(json!({
            "topic": "Rust 101",
            "type": 2,
            "start_time": "2030-01-01T10:00:00Z",
            "duration": 60,
            "timezone": "UTC",
            "agenda": "Ownership and borrowing",
            "settings": {
                "join_before_host": false,
                "waiting_room": false,
                "mute_upon_entry": true,
                "host_video": true,
                "participant_video": false,
                "auto_recording": "none"
            }
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(meeting()))
        .expect(1)
        .mount(&server)
        .await;
    let room = provider(&server, &clock())
        .create_room(&spec())
        .await
        .unwrap();
    assert_eq!(room.provider, "zoom");
    assert_eq!(room.external_id, "85746065432");
    assert_eq!(room.join_url, "https://zoom.us/j/85746065432?pwd=abc");
    assert_eq!(
        room.host_url.as_deref(),
        Some("https://zoom.us/s/85746065432?zak=host-token")
    );
    assert_eq!(room.password.as_deref(), Some("x7Yz"));
}

#[tokio::test]
async fn updating_a_room_patches_the_meeting_topic_time_and_agenda() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    let mut moved = spec();
    moved.title = "Rust 102".into();
    moved.scheduled_at = datetime!(2030-01-02 08:30 +02:00);
    Mock::given(method("PATCH"))
        .and(path("/v2/meetings/85746065432"))
        .and(header("authorization", "Bearer token-1"))
        .and(body_json(json!({
            "topic": "Rust 102",
            "start_time": "2030-01-02T06:30:00Z",
            "duration": 60,
            "timezone": "UTC",
            "agenda": "Ownership and borrowing"
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let updated = provider(&server, &clock())
        .update_room(&room(), &moved)
        .await
        .unwrap();
    assert_eq!(updated, room());
}

#[tokio::test]
async fn deleting_a_room_deletes_the_meeting_and_a_missing_meeting_counts_as_deleted() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("DELETE"))
        .and(path("/v2/meetings/85746065432"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"code": 3001, "message": "Meeting does not exist"})),
        )
        .mount(&server)
        .await;
    let p = provider(&server, &clock());
    p.delete_room(&room()).await.unwrap();
    p.delete_room(&room()).await.unwrap();
}

#[tokio::test]
async fn ending_the_meeting_puts_the_end_action_on_its_status() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("PUT"))
        .and(path("/v2/meetings/85746065432/status"))
        .and(header("authorization", "Bearer token-1"))
        .and(body_json(json!({"action": "end"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server, &clock());
    assert!(p.capabilities().end_meeting);
    p.end_meeting(&room()).await.unwrap();
}

/// Zoom's Meeting API document has no call that removes one participant
/// from a running meeting: ejecting is unsupported, and asks nothing.
#[tokio::test]
async fn ejecting_a_user_is_unsupported_and_calls_nothing() {
    let server = MockServer::start().await;
    let p = provider(&server, &clock());
    assert!(!p.capabilities().eject);
    let err = p
        .eject(
            &room(),
            &liveclass_domain::ids::UserId::parse("user-1").unwrap(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unsupported), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_teacher_gets_a_fresh_start_url_and_participants_the_join_url() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v2/meetings/85746065432"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(meeting()))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server, &clock());
    let teacher = p
        .join_credentials(&room(), &who(ParticipantRole::Teacher))
        .await
        .unwrap();
    assert_eq!(teacher.url, "https://zoom.us/s/85746065432?zak=host-token");
    let student = p
        .join_credentials(&room(), &who(ParticipantRole::Participant))
        .await
        .unwrap();
    assert_eq!(student.url, room().join_url);
    assert_eq!(student.token, None);
}

#[tokio::test]
async fn the_access_token_is_reused_until_a_minute_before_it_expires_then_renewed() {
    let server = MockServer::start().await;
    mount_oauth(&server, 2).await;
    Mock::given(method("PUT"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let clock = clock();
    let p = provider(&server, &clock);
    p.end_meeting(&room()).await.unwrap();
    clock.advance(time::Duration::seconds(3539));
    p.end_meeting(&room()).await.unwrap();
    clock.advance(time::Duration::seconds(1));
    p.end_meeting(&room()).await.unwrap();
}

#[tokio::test]
async fn concurrent_calls_share_one_token_renewal() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("PUT"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(8)
        .mount(&server)
        .await;
    let p = Arc::new(provider(&server, &clock()));
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.end_meeting(&room()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn an_invalid_access_token_is_renewed_and_the_call_retried_once() {
    let server = MockServer::start().await;
    mount_oauth(&server, 2).await;
    Mock::given(method("DELETE"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": 124, "message": "Invalid access token."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    provider(&server, &clock())
        .delete_room(&room())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_token_refused_twice_is_unauthorized_after_one_renewal() {
    let server = MockServer::start().await;
    mount_oauth(&server, 2).await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": 124, "message": "Invalid access token."})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let err = provider(&server, &clock())
        .delete_room(&room())
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
}

#[tokio::test]
async fn refused_client_credentials_are_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = provider(&server, &clock())
        .create_room(&spec())
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
}

async fn failing(template: ResponseTemplate) -> (MockServer, VideoError) {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("PATCH"))
        .respond_with(template)
        .mount(&server)
        .await;
    let err = provider(&server, &clock())
        .update_room(&room(), &spec())
        .await
        .unwrap_err();
    (server, err)
}

async fn api_calls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/v2/"))
        .count()
}

#[tokio::test]
async fn another_401_is_unauthorized_without_renewal() {
    let (server, err) = failing(
        ResponseTemplate::new(401).set_body_json(json!({"code": 200, "message": "No permission."})),
    )
    .await;
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
    assert_eq!(api_calls(&server).await, 1);
}

#[tokio::test]
async fn a_missing_meeting_is_not_found() {
    let (_, err) = failing(
        ResponseTemplate::new(404)
            .set_body_json(json!({"code": 3001, "message": "Meeting does not exist: 1."})),
    )
    .await;
    assert!(matches!(err, VideoError::NotFound), "{err:?}");
}

#[tokio::test]
async fn a_validation_error_is_invalid_with_zooms_message() {
    let (_, err) = failing(
        ResponseTemplate::new(400)
            .set_body_json(json!({"code": 300, "message": "Invalid start_time."})),
    )
    .await;
    let VideoError::Invalid(message) = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("Invalid start_time."), "{message}");
}

#[tokio::test]
async fn a_server_error_is_retried_then_reported_unavailable() {
    let (server, err) =
        failing(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>")).await;
    assert!(matches!(err, VideoError::Unavailable(_)), "{err:?}");
    assert_eq!(api_calls(&server).await, 3);
}

#[tokio::test]
async fn rate_limiting_without_retry_after_is_retried_then_reported() {
    let (server, err) = failing(
        ResponseTemplate::new(429)
            .set_body_json(json!({"code": 429, "message": "Too many requests"})),
    )
    .await;
    assert!(
        matches!(err, VideoError::RateLimited { retry_after: None }),
        "{err:?}"
    );
    assert_eq!(api_calls(&server).await, 3);
}

#[tokio::test]
async fn rate_limiting_with_a_long_retry_after_is_reported_at_once() {
    let (server, err) =
        failing(ResponseTemplate::new(429).insert_header("Retry-After", "120")).await;
    assert!(
        matches!(err, VideoError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(120)),
        "{err:?}"
    );
    assert_eq!(api_calls(&server).await, 1);
}

#[tokio::test]
async fn a_short_retry_after_is_waited_for() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    provider(&server, &clock())
        .update_room(&room(), &spec())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_meeting_api_that_does_not_answer_in_time_is_unavailable() {
    let (_, err) = failing(ResponseTemplate::new(204).set_delay(Duration::from_secs(3))).await;
    let VideoError::Unavailable(message) = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("timed out"), "{message}");
}

#[test]
fn debug_output_does_not_show_the_client_secret() {
    let mut config = ZoomConfig::new("acc", "cid", Secret::new("very-secret-value"));
    config.oauth_url = "http://127.0.0.1:1/oauth/token".into();
    let debug = format!("{:?}", ZoomVideoProvider::new(config).unwrap());
    assert!(!debug.contains("very-secret-value"), "{debug}");
}

// --- Zoom's (2021, Swagger 2.0) API document ---------------------------------

fn zoom_spec() -> Value {
    serde_json::from_str(include_str!("../specs/zoom-openapi-v2-2021.json")).unwrap()
}

/// The spec's path template for a request we sent (its basePath is `/v2`).
fn zoom_template(path: &str) -> &'static str {
    let path = path.strip_prefix("/v2").unwrap();
    match path {
        p if p.starts_with("/users/") && p.ends_with("/meetings") => "/users/{userId}/meetings",
        p if p.starts_with("/meetings/") && p.ends_with("/status") => {
            "/meetings/{meetingId}/status"
        }
        p if p.starts_with("/meetings/") => "/meetings/{meetingId}",
        p => panic!("no spec path known for {p}"),
    }
}

fn body_validator(spec: &Value, operation: &Value) -> Option<jsonschema::Validator> {
    let param = operation["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["in"] == "body")?;
    let schema = json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "allOf": [param["schema"]],
        "definitions": spec["definitions"],
    });
    Some(jsonschema::validator_for(&schema).unwrap())
}

/// The property names `definition` (and what it `allOf`s) declares.
fn declared(spec: &Value, definition: &str) -> Vec<String> {
    let def = &spec["definitions"][definition];
    let mut names: Vec<String> = def["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in def["allOf"].as_array().into_iter().flatten() {
        if let Some(r) = part["$ref"].as_str() {
            names.extend(declared(spec, r.trim_start_matches("#/definitions/")));
        }
    }
    names
}

#[tokio::test]
async fn every_meeting_request_matches_zooms_api_document() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/v2/users/host@example.com/meetings"))
        .respond_with(ResponseTemplate::new(201).set_body_json(meeting()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(meeting()))
        .mount(&server)
        .await;
    for verb in ["PATCH", "DELETE", "PUT"] {
        Mock::given(method(verb))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
    }
    let mut config = config(&server);
    config.auto_recording = "cloud".into();
    let p = ZoomVideoProvider::new(config).unwrap();
    let room = p.create_room(&spec()).await.unwrap();
    p.update_room(&room, &spec()).await.unwrap();
    p.join_credentials(&room, &who(ParticipantRole::Teacher))
        .await
        .unwrap();
    p.end_meeting(&room).await.unwrap();
    p.delete_room(&room).await.unwrap();

    let spec = zoom_spec();
    assert_eq!(spec["basePath"], "/v2");
    let mut checked = 0;
    for request in server.received_requests().await.unwrap() {
        if request.url.path() == "/oauth/token" {
            continue;
        }
        let template = zoom_template(request.url.path());
        let verb = request.method.as_str().to_lowercase();
        let operation = &spec["paths"][template][&verb];
        assert!(
            operation.is_object(),
            "{verb} {template} is not in Zoom's spec"
        );
        if let Ok(body) = serde_json::from_slice::<Value>(&request.body) {
            let validator = body_validator(&spec, operation)
                .unwrap_or_else(|| panic!("{verb} {template} takes no body in the spec"));
            let errors: Vec<String> = validator
                .iter_errors(&body)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{verb} {template} {body}: {errors:?}");
            // The schemas allow unknown fields; we do not send any.
            let (meeting_def, settings_def) = match verb.as_str() {
                "post" => ("Meeting", "MeetingSettings"),
                _ => ("MeetingUpdate", "MeetingSettings"),
            };
            if template != "/meetings/{meetingId}/status" {
                let known = declared(&spec, meeting_def);
                for key in body.as_object().unwrap().keys() {
                    assert!(
                        known.contains(key),
                        "{verb} {template}: `{key}` is not in the spec"
                    );
                }
                let known = declared(&spec, settings_def);
                for key in body["settings"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                {
                    assert!(known.contains(key), "settings.{key} is not in the spec");
                }
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn the_zoom_spec_check_rejects_what_zoom_would_refuse() {
    let spec = zoom_spec();
    let create = &spec["paths"]["/users/{userId}/meetings"]["post"];
    let validator = body_validator(&spec, create).unwrap();
    assert!(validator.is_valid(&json!({"topic": "x", "type": 2, "duration": 60})));
    assert!(!validator.is_valid(&json!({"topic": "x", "type": 5})));
    assert!(!validator.is_valid(&json!({"topic": "x", "duration": "an hour"})));
    assert!(!validator.is_valid(&json!({"settings": {"auto_recording": "youtube"}})));
    let end = &spec["paths"]["/meetings/{meetingId}/status"]["put"];
    assert!(
        !body_validator(&spec, end)
            .unwrap()
            .is_valid(&json!({"action": "stop"}))
    );
    assert!(!declared(&spec, "MeetingSettings").contains(&"auto_record".to_owned()));
}

#[tokio::test]
async fn a_meeting_id_sent_as_a_string_as_the_2021_document_types_it_is_accepted() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    let mut answer = meeting();
    answer["id"] = json!("85746065432");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .mount(&server)
        .await;
    let room = provider(&server, &clock())
        .create_room(&spec())
        .await
        .unwrap();
    assert_eq!(room.external_id, "85746065432");
}

#[tokio::test]
async fn checking_credentials_obtains_a_token_and_a_refused_secret_is_unauthorized() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    let zoom = provider(&server, &clock());
    zoom.check_credentials().await.unwrap();

    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        ))
        .expect(1)
        .mount(&refusing)
        .await;
    let err = provider(&refusing, &clock())
        .check_credentials()
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
}

/// A row of Zoom's meeting participants report (the Report API's fields,
/// as in singer-io/tap-zoom's `report_meeting_participants` schema).
fn report_row(id: &str, key: &str, join: &str, leave: &str) -> Value {
    json!({
        "id": id, "user_id": "16778240", "name": format!("{id} name"),
        "user_email": "", "join_time": join, "leave_time": leave, "duration": 600,
        "failover": false, "customer_key": key, "registrant_id": "", "status": "in_meeting",
        "bo_mtg_id": ""
    })
}

#[tokio::test]
async fn the_participant_report_is_read_page_by_page_one_presence_per_join() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    let report = "/v2/report/meetings/85746065432/participants";
    Mock::given(method("GET"))
        .and(path(report))
        .and(query_param("page_size", "300"))
        .and(query_param("next_page_token", "page+2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "page_count": 2, "page_size": 300, "total_records": 3, "next_page_token": "",
            "participants": [report_row("p-2", "", "2030-01-01T10:05:00Z", "2030-01-01T11:00:00Z")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(report))
        .and(query_param("page_size", "300"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "page_count": 2, "page_size": 300, "total_records": 3, "next_page_token": "page+2",
            "participants": [
                report_row("p-1", "ada", "2030-01-01T10:00:00Z", "2030-01-01T10:20:00Z"),
                // The same participant rejoining: the same id, a second row.
                report_row("p-1", "ada", "2030-01-01T10:30:00Z", "2030-01-01T11:00:00Z"),
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server, &clock());
    assert!(p.capabilities().attendance);
    let window = (
        datetime!(2030-01-01 10:00 UTC),
        datetime!(2030-01-01 11:00 UTC),
    );
    let records = p.attendance(&room(), window).await.unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].key, "report:p-1:1893492000");
    assert_eq!(
        records[1].key, "report:p-1:1893493800",
        "a rejoin is its own presence"
    );
    assert_eq!(records[0].user_hint.as_deref(), Some("ada"));
    assert_eq!(records[0].name.as_deref(), Some("p-1 name"));
    assert_eq!(
        (records[0].joined_at, records[0].left_at),
        (
            datetime!(2030-01-01 10:00 UTC),
            datetime!(2030-01-01 10:20 UTC)
        )
    );
    assert_eq!(
        records[2].user_hint, None,
        "an empty customer_key is no hint"
    );
}

#[tokio::test]
async fn a_report_zoom_does_not_have_is_not_found() {
    let server = MockServer::start().await;
    mount_oauth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v2/report/meetings/85746065432/participants"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"code": 3001, "message": "Meeting does not exist: 85746065432."}),
        ))
        .mount(&server)
        .await;
    let err = provider(&server, &clock())
        .attendance(
            &room(),
            (
                datetime!(2030-01-01 10:00 UTC),
                datetime!(2030-01-01 11:00 UTC),
            ),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::NotFound), "{err:?}");
}
