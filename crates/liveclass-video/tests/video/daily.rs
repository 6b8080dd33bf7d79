#![allow(clippy::unwrap_used)]
//! The Daily adapter against a wiremock Daily: exact requests, every error
//! status mapped, and every request body validated against Daily's own
//! OpenAPI document (`tests/specs/daily-openapi.json`, OAS 3.0.3 "Daily API"
//! 1.1.1).

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{ROOM_NAME, fast_http, spec, who};
use liveclass_domain::class::ParticipantRole;
use liveclass_domain::clock::FixedClock;
use liveclass_domain::ids::UserId;
use liveclass_domain::video::{Room, VideoError, VideoProvider};
use liveclass_video::{DailyConfig, DailyVideoProvider, Secret};
use serde_json::{Value, json};
use time::macros::datetime;
use wiremock::matchers::{body_json, header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "daily-test-key";

fn provider(server: &MockServer) -> DailyVideoProvider {
    let mut config = DailyConfig::new(Secret::new(KEY));
    config.base_url = server.uri();
    config.http = fast_http();
    DailyVideoProvider::new(config)
        .unwrap()
        .with_clock(Arc::new(FixedClock::at(datetime!(2030-01-01 09:00 UTC))))
}

fn room(server: &MockServer) -> Room {
    Room {
        provider: "daily".into(),
        external_id: ROOM_NAME.into(),
        join_url: format!("{}/{ROOM_NAME}", server.uri()),
        host_url: None,
        password: None,
    }
}

fn room_answer() -> Value {
    json!({
        "id": "d61cd7b2-a273-42b4-89bd-be763fd562c1",
        "name": ROOM_NAME,
        "api_created": true,
        "privacy": "private",
        "url": format!("https://acme.daily.co/{ROOM_NAME}"),
        "created_at": "2029-12-01T09:00:00.000Z",
        "config": {}
    })
}

/// 2030-01-01T10:00Z plus the default 12-hour room lifetime.
const ROOM_EXP: i64 = 1_893_492_000 + 12 * 3600;

fn create_body() -> Value {
    json!({
        "name": ROOM_NAME,
        "privacy": "private",
        "properties": {
            "exp": ROOM_EXP,
            "max_participants": 25,
            "eject_at_room_exp": true
        }
    })
}

#[tokio::test]
async fn creating_a_room_posts_a_private_room_with_the_class_capacity_and_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(create_body()))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let room = provider(&server).create_room(&spec()).await.unwrap();
    assert_eq!(room.provider, "daily");
    assert_eq!(room.external_id, ROOM_NAME);
    assert_eq!(room.join_url, format!("https://acme.daily.co/{ROOM_NAME}"));
    assert_eq!(room.host_url, None);
}

#[tokio::test]
async fn recording_is_enabled_on_new_rooms_when_configured() {
    let server = MockServer::start().await;
    let mut body = create_body();
    body["properties"]["enable_recording"] = json!("cloud");
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = DailyConfig::new(Secret::new(KEY));
    config.base_url = server.uri();
    config.recording = Some("cloud".into());
    DailyVideoProvider::new(config)
        .unwrap()
        .create_room(&spec())
        .await
        .unwrap();
}

#[tokio::test]
async fn updating_a_room_posts_its_new_properties_to_the_room() {
    let server = MockServer::start().await;
    let mut moved = spec();
    moved.scheduled_at = datetime!(2030-01-02 10:00 UTC);
    moved.max_participants = 40;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({
            "properties": {"exp": ROOM_EXP + 86_400, "max_participants": 40, "eject_at_room_exp": true}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    assert_eq!(
        p.update_room(&room(&server), &moved).await.unwrap(),
        room(&server)
    );
}

#[tokio::test]
async fn deleting_a_room_deletes_it_and_a_missing_room_counts_as_deleted() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/rooms/{ROOM_NAME}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"deleted": true, "name": ROOM_NAME})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    p.delete_room(&room(&server)).await.unwrap();

    let gone = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "not-found", "info": "room not found"})),
        )
        .expect(1)
        .mount(&gone)
        .await;
    provider(&gone).delete_room(&room(&gone)).await.unwrap();
}

#[tokio::test]
async fn ending_the_meeting_deletes_the_room() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/rooms/{ROOM_NAME}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    assert!(p.capabilities().end_meeting);
    p.end_meeting(&room(&server)).await.unwrap();
}

fn token_body(is_owner: bool) -> Value {
    json!({
        "properties": {
            "room_name": ROOM_NAME,
            // 09:00 on the fixed clock plus the default 4-hour token life.
            "exp": datetime!(2030-01-01 13:00 UTC).unix_timestamp(),
            "user_id": "user-1",
            "user_name": "Ada",
            "is_owner": is_owner
        }
    })
}

#[tokio::test]
async fn the_teacher_gets_an_owner_token_scoped_to_the_room() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(token_body(true)))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "owner-token"})))
        .expect(1)
        .mount(&server)
        .await;
    let creds = provider(&server)
        .join_credentials(&room(&server), &who(ParticipantRole::Teacher))
        .await
        .unwrap();
    assert_eq!(creds.token.as_deref(), Some("owner-token"));
    assert_eq!(creds.url, room(&server).join_url);
    assert_eq!(creds.expires_at, Some(datetime!(2030-01-01 13:00 UTC)));
}

#[tokio::test]
async fn a_participant_token_is_not_an_owner_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .and(body_json(token_body(false)))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "guest-token"})))
        .expect(1)
        .mount(&server)
        .await;
    let creds = provider(&server)
        .join_credentials(&room(&server), &who(ParticipantRole::Participant))
        .await
        .unwrap();
    assert_eq!(creds.token.as_deref(), Some("guest-token"));
}

/// Issue 12: a participant a moderator muted gets a token that starts with
/// the microphone and camera off (Daily's `start_audio_off` and
/// `start_video_off` meeting-token properties); the properties are absent
/// (Daily's default, `false`) otherwise, as the tests above show.
#[tokio::test]
async fn a_muted_participant_token_starts_with_microphone_and_camera_off() {
    let server = MockServer::start().await;
    let mut body = token_body(false);
    body["properties"]["start_audio_off"] = json!(true);
    body["properties"]["start_video_off"] = json!(true);
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "muted-token"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut muted = who(ParticipantRole::Participant);
    muted.mic_allowed = false;
    muted.camera_allowed = false;
    let creds = provider(&server)
        .join_credentials(&room(&server), &muted)
        .await
        .unwrap();
    assert_eq!(creds.token.as_deref(), Some("muted-token"));
}

#[tokio::test]
async fn a_microphone_only_mute_leaves_the_camera_alone() {
    let server = MockServer::start().await;
    let mut body = token_body(false);
    body["properties"]["start_audio_off"] = json!(true);
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut muted = who(ParticipantRole::Participant);
    muted.mic_allowed = false;
    provider(&server)
        .join_credentials(&room(&server), &muted)
        .await
        .unwrap();
}

/// A co-host is not the owner, but gets Daily's participant-admin
/// permission (`permissions.canAdmin: ["participants"]`: mute, remove).
#[tokio::test]
async fn a_co_host_token_has_participant_admin_rights_but_is_not_an_owner_token() {
    let server = MockServer::start().await;
    let mut body = token_body(false);
    body["properties"]["permissions"] = json!({"canAdmin": ["participants"]});
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "co-host-token"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut co_host = who(ParticipantRole::Participant);
    co_host.co_host = true;
    let creds = provider(&server)
        .join_credentials(&room(&server), &co_host)
        .await
        .unwrap();
    assert_eq!(creds.token.as_deref(), Some("co-host-token"));
}

async fn failing(status: u16, body: Value) -> (MockServer, VideoError) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}")))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let err = provider(&server)
        .update_room(&room(&server), &spec())
        .await
        .unwrap_err();
    (server, err)
}

#[tokio::test]
async fn a_refused_api_key_is_unauthorized_and_not_retried() {
    let (server, err) = failing(
        401,
        json!({"error": "authentication-error", "info": "bad key"}),
    )
    .await;
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_missing_room_is_not_found() {
    let (_, err) = failing(404, json!({"error": "not-found", "info": "no room"})).await;
    assert!(matches!(err, VideoError::NotFound), "{err:?}");
}

#[tokio::test]
async fn a_bad_request_is_invalid_with_dailys_error_code() {
    let (server, err) = failing(
        400,
        json!({"error": "invalid-request-error", "info": "exp is wrong"}),
    )
    .await;
    let VideoError::Invalid(message) = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("invalid-request-error"), "{message}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_server_error_is_retried_then_reported_unavailable() {
    let (server, err) = failing(500, json!({"error": "server-error"})).await;
    assert!(matches!(err, VideoError::Unavailable(_)), "{err:?}");
    // The first attempt and two retries.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_error_on_create_is_not_retried_so_no_second_room_is_made() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = provider(&server).create_room(&spec()).await.unwrap_err();
    assert!(matches!(err, VideoError::Unavailable(_)), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn rate_limiting_without_retry_after_backs_off_then_reports_rate_limited() {
    let (server, err) = failing(429, json!({"error": "rate-limit-error"})).await;
    assert!(
        matches!(err, VideoError::RateLimited { retry_after: None }),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn rate_limiting_with_retry_after_waits_that_long_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"error": "rate-limit-error"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .mount(&server)
        .await;
    let started = Instant::now();
    // A 429 means Daily did nothing, so even a create is retried.
    provider(&server).create_room(&spec()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_we_wait_is_reported_with_its_delay() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "60"))
        .mount(&server)
        .await;
    let err = provider(&server)
        .update_room(&room(&server), &spec())
        .await
        .unwrap_err();
    assert!(
        matches!(err, VideoError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(60)),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_provider_that_does_not_answer_in_time_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(room_answer())
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = provider(&server).create_room(&spec()).await.unwrap_err();
    let VideoError::Unavailable(message) = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("timed out"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn debug_output_does_not_show_the_api_key() {
    let mut config = DailyConfig::new(Secret::new("super-secret-key"));
    config.base_url = "http://127.0.0.1:1".into();
    let debug = format!("{:?}", DailyVideoProvider::new(config).unwrap());
    assert!(!debug.contains("super-secret-key"), "{debug}");
}

// --- Daily's OpenAPI document ---------------------------------------------

fn daily_spec() -> Value {
    serde_json::from_str(include_str!("../specs/daily-openapi.json")).unwrap()
}

/// A JSON Schema validator for the request body of `method path` in Daily's
/// OpenAPI document, resolving its `#/components/...` references.
fn request_validator(spec: &Value, method: &str, path: &str) -> jsonschema::Validator {
    let body = &spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    assert!(
        body.is_object(),
        "the spec has no JSON body for {method} {path}"
    );
    let schema = json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "allOf": [body],
        "components": spec["components"],
    });
    jsonschema::validator_for(&schema).unwrap()
}

/// The spec's path template for a request we sent.
fn spec_path(path: &str) -> &'static str {
    match path {
        "/rooms" => "/rooms",
        "/meeting-tokens" => "/meeting-tokens",
        p if p.starts_with("/rooms/") && p.ends_with("/recordings/start") => {
            "/rooms/{room_name}/recordings/start"
        }
        p if p.starts_with("/rooms/") && p.ends_with("/recordings/stop") => {
            "/rooms/{room_name}/recordings/stop"
        }
        p if p.starts_with("/rooms/") && p.ends_with("/eject") => "/rooms/{room_name}/eject",
        p if p.starts_with("/rooms/") => "/rooms/{room_name}",
        p if p.starts_with("/recordings/") && p.ends_with("/access-link") => {
            "/recordings/{recording_id}/access-link"
        }
        p if p.starts_with("/recordings/") => "/recordings/{recording_id}",
        p => panic!("no spec path known for {p}"),
    }
}

fn assert_matches_spec(spec: &Value, request: &Request) {
    let method = request.method.as_str().to_lowercase();
    let template = spec_path(request.url.path());
    let operation = &spec["paths"][template][&method];
    assert!(
        operation.is_object(),
        "{method} {template} is not in Daily's spec"
    );
    // The spec's only security scheme is HTTP bearer.
    assert_eq!(
        operation["security"][0]["bearerAuth"],
        json!([]),
        "{method} {template}"
    );
    assert_eq!(
        spec["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );
    let auth = request
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(auth, format!("Bearer {KEY}"), "{method} {template}");
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        assert!(request.body.is_empty(), "a body that is not JSON");
        assert_ne!(
            operation["requestBody"]["required"],
            json!(true),
            "{method} {template} needs a body"
        );
        return;
    };
    let validator = request_validator(spec, &method, template);
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {template} body {body} breaks Daily's spec: {errors:?}"
    );
}

#[tokio::test]
async fn every_request_the_adapter_sends_matches_dailys_openapi_document() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rooms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(room_answer()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}/eject")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ejectedIds": []})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("/recordings/(start|stop)$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "sent"})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/recordings/[0-9a-f-]+/access-link$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "download_link": "https://daily-meeting-recordings.s3.amazonaws.com/x?Signature=abc%2F",
            "expires": 1_893_500_000
        })))
        .mount(&server)
        .await;

    let mut config = DailyConfig::new(Secret::new(KEY));
    config.base_url = server.uri();
    config.recording = Some("cloud".into());
    let p = DailyVideoProvider::new(config).unwrap();
    let mut anonymous = who(ParticipantRole::Participant);
    anonymous.name = None;
    let room = p.create_room(&spec()).await.unwrap();
    p.update_room(&room, &spec()).await.unwrap();
    p.join_credentials(&room, &who(ParticipantRole::Teacher))
        .await
        .unwrap();
    p.join_credentials(&room, &anonymous).await.unwrap();
    // Issue 12's token properties: a muted co-host.
    let mut muted_co_host = who(ParticipantRole::Participant);
    muted_co_host.co_host = true;
    muted_co_host.mic_allowed = false;
    muted_co_host.camera_allowed = false;
    p.join_credentials(&room, &muted_co_host).await.unwrap();
    p.start_recording(&room).await.unwrap();
    p.stop_recording(&room).await.unwrap();
    let link = p
        .recording_link(&room, "d61cd7b2-a273-42b4-89bd-be763fd562c1")
        .await
        .unwrap();
    assert_eq!(
        link.url,
        "https://daily-meeting-recordings.s3.amazonaws.com/x?Signature=abc%2F"
    );
    assert_eq!(
        link.expires_at.map(|t| t.unix_timestamp()),
        Some(1_893_500_000)
    );
    p.delete_recording(&room, "d61cd7b2-a273-42b4-89bd-be763fd562c1")
        .await
        .unwrap();
    // Issue 12: a removed participant is ejected.
    p.eject(&room, &UserId::parse("user-1").unwrap())
        .await
        .unwrap();
    p.end_meeting(&room).await.unwrap();
    p.delete_room(&room).await.unwrap();

    let spec = daily_spec();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 12);
    for request in &requests {
        assert_matches_spec(&spec, request);
    }
}

#[test]
fn the_spec_validator_rejects_a_body_daily_would_refuse() {
    // Proves the check above can fail: the room body has
    // `additionalProperties: false`, and `exp` is an integer.
    let spec = daily_spec();
    let validator = request_validator(&spec, "post", "/rooms");
    assert!(validator.is_valid(&create_body()));
    let mut unknown = create_body();
    unknown["properties"]["max_participant"] = json!(3);
    assert!(!validator.is_valid(&unknown));
    let mut wrong_type = create_body();
    wrong_type["properties"]["exp"] = json!("tomorrow");
    assert!(!validator.is_valid(&wrong_type));
    let mut bad_recording = create_body();
    bad_recording["properties"]["enable_recording"] = json!("youtube");
    assert!(!validator.is_valid(&bad_recording));
}

#[tokio::test]
async fn a_user_id_longer_than_dailys_36_characters_is_replaced_by_a_stable_uuid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .mount(&server)
        .await;
    let p = provider(&server);
    let mut long = who(ParticipantRole::Participant);
    long.user_id = liveclass_domain::ids::UserId::parse(&"u".repeat(100)).unwrap();
    p.join_credentials(&room(&server), &long).await.unwrap();
    p.join_credentials(&room(&server), &long).await.unwrap();
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["properties"]["user_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(sent[0].len(), 36);
    assert_eq!(sent[0], sent[1]);
    assert_ne!(sent[0], "u".repeat(36));
}

#[tokio::test]
async fn a_recording_id_that_is_not_dailys_is_refused_before_any_call() {
    let server = MockServer::start().await;
    let err = provider(&server)
        .recording_link(&room(&server), "../rooms")
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Invalid(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_recording_start_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = provider(&server)
        .start_recording(&room(&server))
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unavailable(_)), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn deleting_a_recording_deletes_it_and_a_missing_one_counts_as_deleted() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/recordings/rec-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/recordings/rec-gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not-found"})))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    let room = room(&server);
    p.delete_recording(&room, "rec-1").await.unwrap();
    p.delete_recording(&room, "rec-gone").await.unwrap();
    // An id that could climb out of the path is refused before any call.
    let err = p.delete_recording(&room, "../rooms/x").await.unwrap_err();
    assert!(matches!(err, VideoError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn recording_is_a_capability_only_of_rooms_made_with_enable_recording() {
    let server = MockServer::start().await;
    assert!(!provider(&server).capabilities().recording);
    let mut config = DailyConfig::new(Secret::new(KEY));
    config.base_url = server.uri();
    config.recording = Some("cloud".into());
    assert!(
        DailyVideoProvider::new(config)
            .unwrap()
            .capabilities()
            .recording
    );
}

#[tokio::test]
async fn checking_credentials_reads_the_domain_configuration_and_a_refused_key_is_unauthorized() {
    let server = MockServer::start().await;
    // The example answer of Daily's own document for `GET /`.
    let example = daily_spec()["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]
        ["examples"]["Example Response"]["value"]
        .clone();
    assert_eq!(example["domain_name"], "api-test-1");
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(example))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        provider(&server).check_credentials().await.unwrap(),
        "api-test-1"
    );

    let refusing = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "authentication-error", "info": "the API key is not valid"}),
        ))
        .expect(1)
        .mount(&refusing)
        .await;
    let err = provider(&refusing).check_credentials().await.unwrap_err();
    assert!(matches!(err, VideoError::Unauthorized), "{err:?}");
}

// --- Eject (issue 12: removal is a ban) ---------------------------------------

/// The `user_id` a participant's meeting token carried.
async fn token_user_id(p: &DailyVideoProvider, server: &MockServer, user: &UserId) -> String {
    let mut joining = who(ParticipantRole::Participant);
    joining.user_id = user.clone();
    p.join_credentials(&room(server), &joining).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    body["properties"]["user_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn ejecting_a_user_posts_their_token_user_id_with_ban_to_the_room() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}/eject")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"user_ids": ["user-1"], "ban": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ejectedIds": ["p-1"]})))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    assert!(p.capabilities().eject);
    p.eject(&room(&server), &UserId::parse("user-1").unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_long_user_id_is_ejected_under_the_uuid_its_meeting_token_carried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meeting-tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}/eject")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ejectedIds": []})))
        .mount(&server)
        .await;
    let p = provider(&server);
    let long = UserId::parse(&"u".repeat(100)).unwrap();
    let in_token = token_user_id(&p, &server, &long).await;
    assert_eq!(in_token.len(), 36);
    p.eject(&room(&server), &long).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    assert_eq!(body, json!({"user_ids": [in_token], "ban": true}));
}

#[tokio::test]
async fn an_eject_from_a_missing_room_is_not_found_and_a_server_error_unavailable() {
    let gone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}/eject")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "not-found", "info": "room not found"})),
        )
        .expect(1)
        .mount(&gone)
        .await;
    let err = provider(&gone)
        .eject(&room(&gone), &UserId::parse("user-1").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::NotFound), "{err:?}");

    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/rooms/{ROOM_NAME}/eject")))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "server-error"})))
        .mount(&down)
        .await;
    let err = provider(&down)
        .eject(&room(&down), &UserId::parse("user-1").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, VideoError::Unavailable(_)), "{err:?}");
    // Ejecting twice is harmless: the first attempt and two retries.
    assert_eq!(down.received_requests().await.unwrap().len(), 3);
}

/// Daily's meeting participants, as its reference documents them (the
/// `GET /meetings/{meeting}/participants` example in its OpenAPI document).
fn documented_participants() -> Value {
    json!({"data": [
        {"user_id": "4q47OTmqa/w=", "participant_id": "d61cd7b2-a273-42b4-89bd-be763fd562c1",
         "user_name": "Lindsey", "join_time": 1_672_786_813, "duration": 150},
        {"user_id": null, "participant_id": "b3d56359-14d7-46af-ac8b-18f8c991f5f6",
         "user_name": "Moishe", "join_time": 1_672_786_797, "duration": 165}
    ]})
}

#[tokio::test]
async fn the_participant_report_lists_the_rooms_meetings_in_the_window_then_their_presences() {
    let server = MockServer::start().await;
    let (start, end) = (
        datetime!(2023-01-03 22:55 UTC),
        datetime!(2023-01-03 23:30 UTC),
    );
    Mock::given(method("GET"))
        .and(path("/meetings"))
        .and(wiremock::matchers::query_param("room", ROOM_NAME))
        .and(wiremock::matchers::query_param(
            "timeframe_start",
            (start.unix_timestamp() - 15 * 60).to_string(),
        ))
        .and(wiremock::matchers::query_param(
            "timeframe_end",
            (end.unix_timestamp() + 15 * 60).to_string(),
        ))
        .and(wiremock::matchers::query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 1,
            "data": [{"id": "5c2f6a5e-7a87-4c2d-8f3e-0d9a1e1b2c3d", "room": ROOM_NAME,
                      "start_time": 1_672_786_790, "duration": 300, "ongoing": false,
                      "max_participants": 2, "participants": []}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/meetings/5c2f6a5e-7a87-4c2d-8f3e-0d9a1e1b2c3d/participants",
        ))
        .and(wiremock::matchers::query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_participants()))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    assert!(p.capabilities().attendance);
    let records = p.attendance(&room(&server), (start, end)).await.unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].key, "d61cd7b2-a273-42b4-89bd-be763fd562c1");
    assert_eq!(records[0].user_hint.as_deref(), Some("4q47OTmqa/w="));
    assert_eq!(records[0].name.as_deref(), Some("Lindsey"));
    assert_eq!(
        records[0].joined_at,
        time::OffsetDateTime::from_unix_timestamp(1_672_786_813).unwrap()
    );
    assert_eq!(
        records[0].left_at - records[0].joined_at,
        time::Duration::seconds(150)
    );
    assert_eq!(records[1].user_hint, None);
}

#[tokio::test]
async fn a_full_page_of_participants_is_followed_by_the_next() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/meetings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 1, "data": [{"id": "m-1", "room": ROOM_NAME, "start_time": 1_672_786_790,
                                        "duration": 300, "ongoing": false, "max_participants": 101}]
        })))
        .mount(&server)
        .await;
    let row = |i: usize| {
        json!({"user_id": format!("u-{i}"), "participant_id": format!("p-{i}"),
               "user_name": null, "join_time": 1_672_786_800 + i, "duration": 60})
    };
    Mock::given(method("GET"))
        .and(path("/meetings/m-1/participants"))
        .and(wiremock::matchers::query_param("joined_after", "p-99"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [row(100)]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/meetings/m-1/participants"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": (0..100).map(row).collect::<Vec<_>>()})),
        )
        .mount(&server)
        .await;
    let records = provider(&server)
        .attendance(
            &room(&server),
            (
                datetime!(2023-01-03 22:55 UTC),
                datetime!(2023-01-03 23:30 UTC),
            ),
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 101);
    assert_eq!(records[100].key, "p-100");
}
