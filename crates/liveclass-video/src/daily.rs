//! Daily.co: one private room per class, and a meeting token per join.
//!
//! Meeting tokens come from `POST /meeting-tokens` rather than being signed
//! here with the API key. Self-signing would save one request per join, but
//! needs the domain id (`GET /`) and Daily's abbreviated claim names, a format
//! Daily owns and documents only in prose; the REST call is in Daily's OpenAPI
//! document, so our request is checked against the provider's contract in the
//! tests, and the API key is never used as a signing key on our side. At
//! ~20 requests/s for that endpoint, one call per join is affordable.

mod attendance;

use std::sync::Arc;

use async_trait::async_trait;
use liveclass_domain::class::ParticipantRole;
use liveclass_domain::clock::{Clock, SystemClock};
use liveclass_domain::ids::UserId;
use liveclass_domain::instant;
use liveclass_domain::video::{
    AttendanceRecord, Capabilities, JoinCredentials, JoinRequest, RecordingLink, Room, RoomSpec,
    VideoError, VideoProvider,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::Secret;
use crate::client::{ApiClient, CallError, HttpOptions, Idempotency};

/// Settings of the Daily adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyConfig {
    /// The domain's API key (`DAILY_API_KEY`).
    pub api_key: Secret,
    /// Default `https://api.daily.co/v1` (`DAILY_API_URL`).
    pub base_url: String,
    /// A room's `exp` is the class's scheduled start plus this: nobody can
    /// join after it. Default 12 hours, which covers a class that starts late
    /// and runs long; moving the class moves `exp`.
    pub room_lifetime: Duration,
    /// How long a meeting token is valid. Default 4 hours.
    pub token_ttl: Duration,
    /// `enable_recording` for new rooms (`cloud`, `local`, …); none by default.
    pub recording: Option<String>,
    pub http: HttpOptions,
}

impl DailyConfig {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.daily.co/v1";

    pub fn new(api_key: Secret) -> Self {
        Self {
            api_key,
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            room_lifetime: Duration::hours(12),
            token_ttl: Duration::hours(4),
            recording: None,
            http: HttpOptions::default(),
        }
    }
}

/// The Daily.co adapter.
pub struct DailyVideoProvider {
    config: DailyConfig,
    base_url: String,
    client: ApiClient,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for DailyVideoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DailyVideoProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize)]
struct CreateRoomBody<'a> {
    name: &'a str,
    privacy: &'static str,
    properties: RoomProperties<'a>,
}

#[derive(Debug, Serialize)]
struct UpdateRoomBody<'a> {
    properties: RoomProperties<'a>,
}

#[derive(Debug, Serialize)]
struct RoomProperties<'a> {
    exp: i64,
    max_participants: u32,
    /// Ends a meeting still running at `exp` instead of letting it go on.
    eject_at_room_exp: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_recording: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct MeetingTokenBody<'a> {
    properties: MeetingTokenProperties<'a>,
}

#[derive(Debug, Serialize)]
struct MeetingTokenProperties<'a> {
    /// Without it a token opens every room of the domain.
    room_name: &'a str,
    /// Without it a token never expires.
    exp: i64,
    user_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_name: Option<&'a str>,
    is_owner: bool,
    /// `true` for a participant whose microphone a moderator forbade: the
    /// call starts with it off (Daily meeting-token property).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    start_audio_off: bool,
    /// `true` for a participant whose camera a moderator forbade.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    start_video_off: bool,
    /// A co-host's: participant admin rights (`canAdmin: ["participants"]`,
    /// to mute and remove others), short of the owner's.
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<TokenPermissions>,
}

/// Daily's `permissions` meeting-token property (the part used).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenPermissions {
    can_admin: [&'static str; 1],
}

/// `POST /rooms/:name/eject`: by the `user_id` our meeting tokens carry.
#[derive(Debug, Serialize)]
struct EjectBody<'a> {
    user_ids: [&'a str; 1],
    /// Also keeps them from rejoining this room's meeting with a token they
    /// still hold (tokens live `token_ttl`): a removal is a ban for the
    /// class, and the room lives no longer than the class.
    ban: bool,
}

#[derive(Debug, Deserialize)]
struct RoomAnswer {
    name: String,
    url: String,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    token: String,
}

#[derive(Debug, Deserialize)]
struct AccessLinkAnswer {
    download_link: String,
    /// Unix seconds.
    expires: Option<i64>,
}

/// Daily limits `user_id` to 36 characters; our user ids may have up to
/// 128. A longer id is replaced by a UUIDv5 of it: stable per user, 36
/// characters, and distinct for distinct ids.
pub(crate) fn daily_user_id(user_id: &str) -> String {
    const MAX: usize = 36;
    if user_id.len() <= MAX {
        user_id.to_owned()
    } else {
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, user_id.as_bytes()).to_string()
    }
}

/// `{"error": "<stable code>", "info": "<text>"}`.
#[derive(Debug, Deserialize)]
struct DailyErrorBody {
    error: Option<String>,
    info: Option<String>,
}

impl DailyVideoProvider {
    /// # Errors
    /// When the HTTP client cannot be built (no TLS roots).
    pub fn new(config: DailyConfig) -> Result<Self, anyhow::Error> {
        let client = ApiClient::new("Daily", config.http)?;
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        Ok(Self {
            config,
            base_url,
            client,
            clock: Arc::new(SystemClock),
        })
    }

    /// Reads token times from `clock` (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn properties(&self, spec: &RoomSpec) -> RoomProperties<'_> {
        RoomProperties {
            exp: instant::later(spec.scheduled_at, self.config.room_lifetime).unix_timestamp(),
            max_participants: spec.max_participants,
            eject_at_room_exp: true,
            enable_recording: self.config.recording.as_deref(),
        }
    }

    async fn call(
        &self,
        idempotency: Idempotency,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Vec<u8>, VideoError> {
        let url = format!("{}{path}", self.base_url);
        self.client
            .send(idempotency, |http| {
                let request = http
                    .request(method.clone(), &url)
                    .bearer_auth(self.config.api_key.expose());
                match &body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await
            .map(|answer| answer.body)
            .map_err(translate)
    }
}

impl DailyVideoProvider {
    /// Checks the API key: `GET /` (Daily's "Get domain configuration")
    /// answers 200 for a valid key, and gives the key's domain name.
    ///
    /// # Errors
    /// `Unauthorized` for a refused key; otherwise as every call.
    pub async fn check_credentials(&self) -> Result<String, VideoError> {
        let body = self
            .call(Idempotency::Idempotent, reqwest::Method::GET, "/", None)
            .await?;
        let answer: DomainAnswer = parse(&body, "domain configuration")?;
        Ok(answer.domain_name)
    }
}

/// `GET /`: what the credential check reads.
#[derive(serde::Deserialize)]
struct DomainAnswer {
    domain_name: String,
}

fn translate(e: CallError) -> VideoError {
    let detail = match &e {
        CallError::Status { body, .. } => {
            serde_json::from_str::<DailyErrorBody>(body).ok().map(|b| {
                format!(
                    "Daily refused the request: {} ({})",
                    b.error.as_deref().unwrap_or("unknown-error"),
                    b.info.as_deref().unwrap_or("no details")
                )
            })
        }
        CallError::Transport(_) => None,
    };
    e.into_video_error("Daily", detail)
}

fn to_json(value: &impl Serialize) -> Result<serde_json::Value, VideoError> {
    serde_json::to_value(value).map_err(|e| VideoError::Unexpected(e.into()))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, VideoError> {
    serde_json::from_slice(body).map_err(|e| {
        VideoError::Unexpected(
            anyhow::Error::new(e).context(format!("unexpected Daily {what} answer")),
        )
    })
}

/// The id goes into a path: accept Daily's id alphabet only.
fn check_recording_id(recording_id: &str) -> Result<(), VideoError> {
    if recording_id.is_empty()
        || recording_id.len() > 128
        || !recording_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(VideoError::Invalid(format!(
            "`{recording_id}` is not a Daily recording id"
        )));
    }
    Ok(())
}

fn room_path(room: &Room) -> String {
    // Room names are ours (`room-<uuid>`): nothing to escape.
    format!("/rooms/{}", room.external_id)
}

#[async_trait]
impl VideoProvider for DailyVideoProvider {
    fn name(&self) -> &'static str {
        "daily"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            end_meeting: true,
            // Daily records only rooms made with `enable_recording`.
            recording: self.config.recording.is_some(),
            recording_link: true,
            attendance: true,
            eject: true,
        }
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        let body = to_json(&CreateRoomBody {
            name: spec.room_name.as_str(),
            privacy: "private",
            properties: self.properties(spec),
        })?;
        // Not retried on 5xx or timeouts: the room may exist already, and a
        // second create would fail on the name anyway.
        let answer = self
            .call(
                Idempotency::NotIdempotent,
                reqwest::Method::POST,
                "/rooms",
                Some(body),
            )
            .await?;
        let room: RoomAnswer = parse(&answer, "room")?;
        Ok(Room {
            provider: self.name().to_owned(),
            external_id: room.name,
            join_url: room.url,
            host_url: None,
            password: None,
        })
    }

    async fn update_room(&self, room: &Room, spec: &RoomSpec) -> Result<Room, VideoError> {
        let body = to_json(&UpdateRoomBody {
            properties: self.properties(spec),
        })?;
        // `POST /rooms/:name` sets properties: repeating it is harmless.
        self.call(
            Idempotency::Idempotent,
            reqwest::Method::POST,
            &room_path(room),
            Some(body),
        )
        .await?;
        Ok(room.clone())
    }

    async fn delete_room(&self, room: &Room) -> Result<(), VideoError> {
        match self
            .call(
                Idempotency::Idempotent,
                reqwest::Method::DELETE,
                &room_path(room),
                None,
            )
            .await
        {
            Ok(_) | Err(VideoError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn join_credentials(
        &self,
        room: &Room,
        who: &JoinRequest,
    ) -> Result<JoinCredentials, VideoError> {
        let expires_at: OffsetDateTime = instant::later(self.clock.now(), self.config.token_ttl);
        let user_id = daily_user_id(who.user_id.as_str());
        let is_owner = who.role == ParticipantRole::Teacher;
        let body = to_json(&MeetingTokenBody {
            properties: MeetingTokenProperties {
                room_name: &room.external_id,
                exp: expires_at.unix_timestamp(),
                user_id: &user_id,
                user_name: who.name.as_deref(),
                is_owner,
                start_audio_off: !who.mic_allowed,
                start_video_off: !who.camera_allowed,
                permissions: (who.co_host && !is_owner).then_some(TokenPermissions {
                    can_admin: ["participants"],
                }),
            },
        })?;
        // Minting a second token is harmless, so this POST may be retried.
        let answer = self
            .call(
                Idempotency::Idempotent,
                reqwest::Method::POST,
                "/meeting-tokens",
                Some(body),
            )
            .await?;
        let token: TokenAnswer = parse(&answer, "meeting token")?;
        Ok(JoinCredentials {
            url: room.join_url.clone(),
            token: Some(token.token),
            expires_at: Some(expires_at),
        })
    }

    /// Daily has no "end meeting" call; deleting the room ejects everyone,
    /// and an ended class needs its room no more (recordings are kept).
    async fn end_meeting(&self, room: &Room) -> Result<(), VideoError> {
        self.delete_room(room).await
    }

    /// Asks Daily to start a cloud recording; Daily answers at once and
    /// confirms through its webhooks. Needs `enable_recording` on the room
    /// (`DailyConfig::recording`).
    async fn start_recording(&self, room: &Room) -> Result<(), VideoError> {
        // Not retried on 5xx: a second start could start a second recording.
        self.call(
            Idempotency::NotIdempotent,
            reqwest::Method::POST,
            &format!("{}/recordings/start", room_path(room)),
            Some(serde_json::json!({})),
        )
        .await
        .map(drop)
    }

    async fn stop_recording(&self, room: &Room) -> Result<(), VideoError> {
        self.call(
            Idempotency::Idempotent,
            reqwest::Method::POST,
            &format!("{}/recordings/stop", room_path(room)),
            // Daily's OpenAPI document defines no body for stop.
            None,
        )
        .await
        .map(drop)
    }

    /// `DELETE /recordings/:id`; a recording already gone (404) counts as
    /// deleted.
    async fn delete_recording(&self, _room: &Room, recording_id: &str) -> Result<(), VideoError> {
        check_recording_id(recording_id)?;
        match self
            .call(
                Idempotency::Idempotent,
                reqwest::Method::DELETE,
                &format!("/recordings/{recording_id}"),
                None,
            )
            .await
        {
            Ok(_) | Err(VideoError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `POST /rooms/:name/eject` with the user's `user_id` as their meeting
    /// tokens carry it (see `daily_user_id`), and `ban`. The answer's
    /// `ejectedIds` is not read: a user no longer in the meeting is no error.
    async fn eject(&self, room: &Room, user: &UserId) -> Result<(), VideoError> {
        let user_id = daily_user_id(user.as_str());
        let body = to_json(&EjectBody {
            user_ids: [&user_id],
            ban: true,
        })?;
        // Ejecting twice is harmless, so this POST may be retried.
        self.call(
            Idempotency::Idempotent,
            reqwest::Method::POST,
            &format!("{}/eject", room_path(room)),
            Some(body),
        )
        .await
        .map(drop)
    }

    /// Daily's own participant report (see `attendance`).
    async fn attendance(
        &self,
        room: &Room,
        window: (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<AttendanceRecord>, VideoError> {
        self.participant_report(room, window).await
    }

    /// A signed, short-lived download link: hand it out as is, never store
    /// or rebuild it.
    async fn recording_link(
        &self,
        _room: &Room,
        recording_id: &str,
    ) -> Result<RecordingLink, VideoError> {
        check_recording_id(recording_id)?;
        let answer = self
            .call(
                Idempotency::Idempotent,
                reqwest::Method::GET,
                &format!("/recordings/{recording_id}/access-link"),
                None,
            )
            .await?;
        let link: AccessLinkAnswer = parse(&answer, "access link")?;
        Ok(RecordingLink {
            url: link.download_link,
            expires_at: link
                .expires
                .filter(|e| *e > 0)
                .and_then(|e| OffsetDateTime::from_unix_timestamp(e).ok()),
        })
    }
}
