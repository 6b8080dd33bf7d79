//! Zoom: one scheduled meeting per class, with server-to-server OAuth.
//!
//! The access token (1 hour, no refresh token) is cached and renewed a minute
//! before it expires. The cache sits behind an async mutex held across the
//! renewal, so concurrent calls wait for one renewal instead of each minting
//! a token. A call answered with Zoom's code 124 (invalid access token) drops
//! the token, renews it and is retried once.
//!
//! Participants join through `join_url`; the teacher gets the meeting's
//! `start_url`, fetched fresh for every join because it carries a host token
//! that expires.

mod attendance;

use std::sync::Arc;

use async_trait::async_trait;
use liveclass_domain::class::ParticipantRole;
use liveclass_domain::clock::{Clock, SystemClock};
use liveclass_domain::instant;
use liveclass_domain::video::{
    AttendanceRecord, Capabilities, JoinCredentials, JoinRequest, Room, RoomSpec, VideoError,
    VideoProvider,
};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};
use tokio::sync::Mutex;

use crate::Secret;
use crate::client::{Answer, ApiClient, CallError, HttpOptions, Idempotency};

/// Settings of the Zoom adapter (a server-to-server OAuth app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomConfig {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// Default `https://api.zoom.us/v2` (`ZOOM_API_URL`).
    pub api_url: String,
    /// Default `https://zoom.us/oauth/token` (`ZOOM_OAUTH_URL`).
    pub oauth_url: String,
    /// Whose meetings the classes are: a user id or email of the account.
    /// Default `me` (the app's owner).
    pub user_id: String,
    /// The meetings' planned length; classes have no end time of their own.
    /// Default 60 minutes.
    pub meeting_duration: Duration,
    /// `settings.auto_recording`: `none` (default), `local` or `cloud`.
    pub auto_recording: String,
    /// Renew the access token this long before it expires. Default 60 s.
    pub renew_before: Duration,
    pub http: HttpOptions,
}

impl ZoomConfig {
    pub const DEFAULT_API_URL: &'static str = "https://api.zoom.us/v2";
    pub const DEFAULT_OAUTH_URL: &'static str = "https://zoom.us/oauth/token";

    pub fn new(
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret,
            api_url: Self::DEFAULT_API_URL.to_owned(),
            oauth_url: Self::DEFAULT_OAUTH_URL.to_owned(),
            user_id: "me".to_owned(),
            meeting_duration: Duration::minutes(60),
            auto_recording: "none".to_owned(),
            renew_before: Duration::seconds(60),
            http: HttpOptions::default(),
        }
    }
}

#[derive(Clone)]
struct AccessToken {
    value: Secret,
    expires_at: OffsetDateTime,
}

/// The Zoom adapter.
pub struct ZoomVideoProvider {
    config: ZoomConfig,
    api_url: String,
    oauth_url: Url,
    client: ApiClient,
    clock: Arc<dyn Clock>,
    token: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for ZoomVideoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoomVideoProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize)]
struct MeetingBody<'a> {
    topic: &'a str,
    #[serde(rename = "type")]
    kind: u8,
    /// UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    start_time: String,
    /// Minutes.
    duration: i64,
    timezone: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agenda: Option<String>,
    settings: MeetingSettings<'a>,
}

#[derive(Debug, Serialize)]
struct MeetingSettings<'a> {
    join_before_host: bool,
    waiting_room: bool,
    mute_upon_entry: bool,
    host_video: bool,
    participant_video: bool,
    auto_recording: &'a str,
}

/// Zoom sends meeting ids as int64 numbers; its 2021 API document types
/// them as strings. Both are accepted.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum MeetingId {
    Number(i64),
    Text(String),
}

impl MeetingId {
    fn into_string(self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text(s) => s,
        }
    }
}

#[derive(Debug, Deserialize)]
struct MeetingAnswer {
    id: MeetingId,
    join_url: String,
    start_url: String,
    password: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

/// `{"code": 124, "message": "Invalid access token."}`.
#[derive(Debug, Deserialize)]
struct ZoomErrorBody {
    code: Option<i64>,
    message: Option<String>,
}

/// Zoom's code for an invalid or expired access token.
const INVALID_ACCESS_TOKEN: i64 = 124;
/// Zoom's code for "meeting does not exist".
const MEETING_NOT_FOUND: i64 = 3001;
/// Zoom limits agendas to 2000 characters.
const MAX_AGENDA_CHARS: usize = 2000;

fn error_body(e: &CallError) -> Option<ZoomErrorBody> {
    match e {
        // Zoom has answered with XML at times; anything unparsable is None.
        CallError::Status { body, .. } => serde_json::from_str(body).ok(),
        CallError::Transport(_) => None,
    }
}

fn is_invalid_token(e: &CallError) -> bool {
    matches!(e, CallError::Status { status, .. } if *status == StatusCode::UNAUTHORIZED)
        && error_body(e).and_then(|b| b.code) == Some(INVALID_ACCESS_TOKEN)
}

fn translate(e: CallError) -> VideoError {
    let body = error_body(&e);
    if body.as_ref().and_then(|b| b.code) == Some(MEETING_NOT_FOUND) {
        return VideoError::NotFound;
    }
    let detail = body.map(|b| {
        format!(
            "Zoom refused the request: {} (code {})",
            b.message.as_deref().unwrap_or("no details"),
            b.code.map_or_else(|| "none".to_owned(), |c| c.to_string())
        )
    });
    e.into_video_error("Zoom", detail)
}

fn unexpected(e: impl std::error::Error + Send + Sync + 'static, what: &str) -> VideoError {
    VideoError::Unexpected(anyhow::Error::new(e).context(what.to_owned()))
}

impl ZoomVideoProvider {
    /// # Errors
    /// When `oauth_url` is not a URL or the HTTP client cannot be built.
    pub fn new(config: ZoomConfig) -> Result<Self, anyhow::Error> {
        let client = ApiClient::new("Zoom", config.http)?;
        let mut oauth_url = Url::parse(&config.oauth_url)?;
        oauth_url
            .query_pairs_mut()
            .append_pair("grant_type", "account_credentials")
            .append_pair("account_id", &config.account_id);
        let api_url = config.api_url.trim_end_matches('/').to_owned();
        Ok(Self {
            config,
            api_url,
            oauth_url,
            client,
            clock: Arc::new(SystemClock),
            token: Mutex::new(None),
        })
    }

    /// Reads token expiry from `clock` (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A valid access token: the cached one, or a new one. One renewal at a
    /// time: the lock is held while the token endpoint is called.
    async fn access_token(&self) -> Result<Secret, VideoError> {
        let mut cached = self.token.lock().await;
        let now = self.clock.now();
        if let Some(token) = cached.as_ref()
            && instant::earlier(token.expires_at, self.config.renew_before) > now
        {
            return Ok(token.value.clone());
        }
        let answer = self
            .client
            .send(Idempotency::Idempotent, |http| {
                http.post(self.oauth_url.clone()).basic_auth(
                    &self.config.client_id,
                    Some(self.config.client_secret.expose()),
                )
            })
            .await
            .map_err(|e| match e {
                // A wrong account id is a 400, wrong client credentials a
                // 401: both are our credentials.
                CallError::Status { status, .. }
                    if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS =>
                {
                    VideoError::Unauthorized
                }
                e => e.into_video_error("Zoom OAuth", None),
            })?;
        let answer: TokenAnswer = serde_json::from_slice(&answer.body)
            .map_err(|e| unexpected(e, "unexpected Zoom OAuth answer"))?;
        let token = AccessToken {
            value: Secret::new(answer.access_token),
            expires_at: instant::later(now, Duration::seconds(answer.expires_in)),
        };
        *cached = Some(token.clone());
        tracing::debug!(expires_at = %token.expires_at, "renewed the Zoom access token");
        Ok(token.value)
    }

    /// Forgets `used` if it is still the cached token (another call may
    /// have renewed it already).
    async fn forget(&self, used: &Secret) {
        let mut cached = self.token.lock().await;
        if cached.as_ref().is_some_and(|t| &t.value == used) {
            *cached = None;
        }
    }

    async fn call(
        &self,
        idempotency: Idempotency,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, VideoError> {
        let url = format!("{}{path}", self.api_url);
        let send = |token: Secret| {
            let url = &url;
            let method = method.clone();
            async move {
                self.client
                    .send(idempotency, |http| {
                        let request = http
                            .request(method.clone(), url)
                            .bearer_auth(token.expose());
                        match body {
                            Some(body) => request.json(body),
                            None => request,
                        }
                    })
                    .await
            }
        };
        let token = self.access_token().await?;
        match send(token.clone()).await {
            Err(e) if is_invalid_token(&e) => {
                // Revoked or expired early: renew and try once more.
                self.forget(&token).await;
                let token = self.access_token().await?;
                send(token).await.map_err(translate)
            }
            other => other.map_err(translate),
        }
    }

    fn meeting_body(
        &self,
        spec: &RoomSpec,
        with_settings: bool,
    ) -> Result<serde_json::Value, VideoError> {
        let start_time = spec
            .scheduled_at
            .checked_to_offset(UtcOffset::UTC)
            .ok_or_else(|| VideoError::Invalid("the start time is out of range".to_owned()))?
            .replace_nanosecond(0)
            .map_err(|e| unexpected(e, "formatting a start time"))?
            .format(&Rfc3339)
            .map_err(|e| unexpected(e, "formatting a start time"))?;
        let agenda = spec
            .description
            .as_deref()
            .map(|d| d.chars().take(MAX_AGENDA_CHARS).collect::<String>());
        let mut body = serde_json::to_value(MeetingBody {
            topic: &spec.title,
            kind: 2,
            start_time,
            duration: self.config.meeting_duration.whole_minutes(),
            timezone: "UTC",
            agenda,
            settings: MeetingSettings {
                join_before_host: false,
                waiting_room: false,
                mute_upon_entry: true,
                host_video: true,
                participant_video: false,
                auto_recording: &self.config.auto_recording,
            },
        })
        .map_err(|e| unexpected(e, "serialising a meeting"))?;
        if !with_settings && let Some(object) = body.as_object_mut() {
            // An update changes what the class changed, not the settings.
            object.remove("settings");
            object.remove("type");
        }
        Ok(body)
    }

    async fn meeting(&self, room: &Room) -> Result<MeetingAnswer, VideoError> {
        let answer = self
            .call(
                Idempotency::Idempotent,
                Method::GET,
                &format!("/meetings/{}", room.external_id),
                None,
            )
            .await?;
        serde_json::from_slice(&answer.body).map_err(|e| unexpected(e, "unexpected Zoom meeting"))
    }
}

impl ZoomVideoProvider {
    /// Checks the app's credentials: obtains an access token (cached like
    /// every token; a valid cached one is used as it is).
    ///
    /// # Errors
    /// `Unauthorized` when Zoom refuses the account id or the client
    /// credentials; otherwise as every call.
    pub async fn check_credentials(&self) -> Result<(), VideoError> {
        self.access_token().await.map(|_| ())
    }
}

#[async_trait]
impl VideoProvider for ZoomVideoProvider {
    fn name(&self) -> &'static str {
        "zoom"
    }

    // No `eject`: the Meeting API v2 document we build against
    // (`zoom-openapi-v2-2021.json`) has no call that removes one participant
    // from a running meeting (only `PUT /meetings/{id}/status` ending it for
    // everyone; registrant status applies to registration, not presence).
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            end_meeting: true,
            attendance: true,
            ..Capabilities::default()
        }
    }

    /// Zoom's participants report (see `attendance`); the window is not
    /// needed: the meeting id names the class's one meeting.
    async fn attendance(
        &self,
        room: &Room,
        _window: (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<AttendanceRecord>, VideoError> {
        self.participant_report(room).await
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        let body = self.meeting_body(spec, true)?;
        // Not retried on 5xx or timeouts: Zoom would make a second meeting.
        let answer = self
            .call(
                Idempotency::NotIdempotent,
                Method::POST,
                &format!("/users/{}/meetings", self.config.user_id),
                Some(&body),
            )
            .await?;
        let meeting: MeetingAnswer = serde_json::from_slice(&answer.body)
            .map_err(|e| unexpected(e, "unexpected Zoom meeting"))?;
        Ok(Room {
            provider: self.name().to_owned(),
            external_id: meeting.id.into_string(),
            join_url: meeting.join_url,
            host_url: Some(meeting.start_url),
            password: meeting.password,
        })
    }

    async fn update_room(&self, room: &Room, spec: &RoomSpec) -> Result<Room, VideoError> {
        let body = self.meeting_body(spec, false)?;
        // PATCH answers 204 with no body; the URLs do not change.
        self.call(
            Idempotency::Idempotent,
            Method::PATCH,
            &format!("/meetings/{}", room.external_id),
            Some(&body),
        )
        .await?;
        Ok(room.clone())
    }

    async fn delete_room(&self, room: &Room) -> Result<(), VideoError> {
        match self
            .call(
                Idempotency::Idempotent,
                Method::DELETE,
                &format!("/meetings/{}", room.external_id),
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
        let url = if who.role == ParticipantRole::Teacher {
            // The stored start_url may have expired: ask for a fresh one.
            self.meeting(room).await?.start_url
        } else {
            room.join_url.clone()
        };
        Ok(JoinCredentials {
            url,
            token: None,
            expires_at: None,
        })
    }

    async fn end_meeting(&self, room: &Room) -> Result<(), VideoError> {
        let body = serde_json::json!({ "action": "end" });
        match self
            .call(
                Idempotency::Idempotent,
                Method::PUT,
                &format!("/meetings/{}/status", room.external_id),
                Some(&body),
            )
            .await
        {
            Ok(_) | Err(VideoError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
