//! Jitsi Meet: no network calls. A room exists as soon as someone opens its
//! URL, so "creating" one is choosing an unguessable name. With an app id and
//! secret (self-hosted Jitsi with token authentication) every user gets an
//! HS256 JWT scoped to the room, with moderator rights for the teacher only.

use std::sync::Arc;

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use liveclass_domain::class::ParticipantRole;
use liveclass_domain::clock::{Clock, SystemClock};
use liveclass_domain::instant;
use liveclass_domain::video::{
    JoinCredentials, JoinRequest, Room, RoomSpec, VideoError, VideoProvider,
};
use serde::Serialize;
use time::Duration;

use crate::Secret;

/// The app credentials of a self-hosted Jitsi with `authentication = "token"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitsiTokenAuth {
    /// Prosody's `app_id`: the tokens' `iss`.
    pub app_id: String,
    /// Prosody's `app_secret`: the HS256 key.
    pub app_secret: Secret,
    /// How long a token is valid; default 4 hours.
    pub token_ttl: Duration,
}

impl JitsiTokenAuth {
    pub const DEFAULT_TOKEN_TTL: Duration = Duration::hours(4);

    pub fn new(app_id: impl Into<String>, app_secret: Secret) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret,
            token_ttl: Self::DEFAULT_TOKEN_TTL,
        }
    }
}

/// Jitsi Meet (meet.jit.si or self-hosted).
#[derive(Clone)]
pub struct JitsiVideoProvider {
    base_url: String,
    /// The host name: the tokens' `sub`.
    host: String,
    auth: Option<JitsiTokenAuth>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for JitsiVideoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitsiVideoProvider")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// The token's claims, as Prosody's `token_verification` reads them.
#[derive(Debug, Serialize)]
struct JitsiClaims<'a> {
    aud: &'static str,
    iss: &'a str,
    sub: &'a str,
    room: &'a str,
    iat: i64,
    nbf: i64,
    exp: i64,
    context: JitsiContext<'a>,
    /// Read by the `token_moderation` plugin.
    moderator: bool,
}

#[derive(Debug, Serialize)]
struct JitsiContext<'a> {
    user: JitsiUser<'a>,
}

#[derive(Debug, Serialize)]
struct JitsiUser<'a> {
    id: &'a str,
    /// Jitsi requires strings here (a null makes it throw).
    name: &'a str,
    /// Read by the `token_affiliation` plugin.
    affiliation: &'static str,
}

impl JitsiVideoProvider {
    pub const DEFAULT_DOMAIN: &'static str = "meet.jit.si";

    /// `domain` is a host name (`meet.example.org`) or a base URL
    /// (`https://meet.example.org/prefix`). No token authentication.
    pub fn new(domain: &str) -> Self {
        let trimmed = domain.trim().trim_end_matches('/');
        let base_url = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let host = base_url
            .split_once("://")
            .map_or(base_url.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Self {
            base_url,
            host,
            auth: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Signs a JWT for every join with the app's secret.
    #[must_use]
    pub fn with_token_auth(mut self, auth: JitsiTokenAuth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Reads token times from `clock` (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

impl Default for JitsiVideoProvider {
    fn default() -> Self {
        Self::new(Self::DEFAULT_DOMAIN)
    }
}

#[async_trait]
// No `eject` (nor any other capability): Jitsi has no REST API; a
// moderator kicks from inside the meeting.
impl VideoProvider for JitsiVideoProvider {
    fn name(&self) -> &'static str {
        "jitsi"
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        // The room name is the room: it is the class's secret room name
        // (128 random bits), never its public room id.
        let name = spec.room_name.as_str();
        Ok(Room {
            provider: self.name().to_owned(),
            external_id: name.to_owned(),
            join_url: format!("{}/{name}", self.base_url),
            host_url: None,
            password: None,
        })
    }

    async fn update_room(&self, room: &Room, _spec: &RoomSpec) -> Result<Room, VideoError> {
        // A Jitsi room has no settings of its own to update.
        Ok(room.clone())
    }

    async fn delete_room(&self, _room: &Room) -> Result<(), VideoError> {
        // Jitsi rooms vanish when empty; there is nothing to delete.
        Ok(())
    }

    async fn join_credentials(
        &self,
        room: &Room,
        who: &JoinRequest,
    ) -> Result<JoinCredentials, VideoError> {
        let Some(auth) = &self.auth else {
            return Ok(JoinCredentials {
                url: format!("{}{}", room.join_url, start_muted(who)),
                token: None,
                expires_at: None,
            });
        };
        let now = self.clock.now();
        let expires_at = instant::later(now, auth.token_ttl);
        let teacher = who.role == ParticipantRole::Teacher;
        let affiliation = if teacher {
            "owner"
        } else if who.co_host {
            "moderator"
        } else {
            "member"
        };
        let claims = JitsiClaims {
            aud: "jitsi",
            iss: &auth.app_id,
            sub: &self.host,
            room: &room.external_id,
            iat: now.unix_timestamp(),
            nbf: now.unix_timestamp(),
            exp: expires_at.unix_timestamp(),
            context: JitsiContext {
                user: JitsiUser {
                    id: who.user_id.as_str(),
                    name: who.name.as_deref().unwrap_or(who.user_id.as_str()),
                    affiliation,
                },
            },
            // A co-host moderates the room too (issue 12).
            moderator: teacher || who.co_host,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(auth.app_secret.expose().as_bytes()),
        )
        .map_err(|e| {
            VideoError::Unexpected(anyhow::Error::new(e).context("signing a Jitsi JWT"))
        })?;
        Ok(JoinCredentials {
            url: format!("{}?jwt={token}{}", room.join_url, start_muted(who)),
            token: Some(token),
            expires_at: Some(expires_at),
        })
    }
}

/// The URL fragment that makes Jitsi Meet start with the microphone
/// and/or camera off for a participant a moderator muted
/// (`config.startWithAudioMuted`, `config.startWithVideoMuted`: Jitsi Meet
/// reads config overrides from the fragment); empty otherwise.
fn start_muted(who: &JoinRequest) -> String {
    let mut parts = Vec::new();
    if !who.mic_allowed {
        parts.push("config.startWithAudioMuted=true");
    }
    if !who.camera_allowed {
        parts.push("config.startWithVideoMuted=true");
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("#{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};
    use liveclass_domain::clock::FixedClock;
    use liveclass_domain::ids::{ClassId, RoomId, RoomName, TenantId, UserId};
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn spec() -> RoomSpec {
        RoomSpec {
            class_id: ClassId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::parse("t").unwrap(),
            room_id: RoomId::from_uuid(Uuid::from_u128(2)),
            room_name: RoomName::from_bits(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            title: "Rust".into(),
            description: None,
            scheduled_at: datetime!(2030-01-01 10:00 UTC),
            max_participants: 10,
        }
    }

    fn who(role: ParticipantRole, name: Option<&str>) -> JoinRequest {
        JoinRequest {
            user_id: UserId::parse("u1").unwrap(),
            name: name.map(str::to_owned),
            role,
            co_host: false,
            mic_allowed: true,
            camera_allowed: true,
        }
    }

    #[tokio::test]
    async fn the_join_url_is_the_secret_room_name_never_the_public_room_id() {
        let room = JitsiVideoProvider::default()
            .create_room(&spec())
            .await
            .unwrap();
        assert_eq!(room.provider, "jitsi");
        assert_eq!(
            room.join_url,
            "https://meet.jit.si/lc-0123456789abcdef0123456789abcdef"
        );
        assert_eq!(room.external_id, "lc-0123456789abcdef0123456789abcdef");
        assert!(!room.join_url.contains(spec().room_id.as_str()));
        assert_eq!(room.host_url, None);
    }

    #[tokio::test]
    async fn a_self_hosted_domain_or_base_url_is_honoured() {
        for domain in [
            "meet.example.org",
            "https://meet.example.org/",
            " meet.example.org ",
        ] {
            let room = JitsiVideoProvider::new(domain)
                .create_room(&spec())
                .await
                .unwrap();
            assert!(
                room.join_url.starts_with("https://meet.example.org/lc-"),
                "{domain}"
            );
        }
    }

    #[tokio::test]
    async fn without_token_auth_everyone_joins_through_the_room_url() {
        let provider = JitsiVideoProvider::default();
        let room = provider.create_room(&spec()).await.unwrap();
        let creds = provider
            .join_credentials(&room, &who(ParticipantRole::Teacher, None))
            .await
            .unwrap();
        assert_eq!(creds.url, room.join_url);
        assert_eq!(creds.token, None);
        assert_eq!(provider.update_room(&room, &spec()).await.unwrap(), room);
        provider.delete_room(&room).await.unwrap();
        assert!(matches!(
            provider.end_meeting(&room).await,
            Err(VideoError::Unsupported)
        ));
    }

    fn decode(token: &str, secret: &str) -> serde_json::Value {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&["jitsi"]);
        validation.set_issuer(&["my_app_id"]);
        // The fixed clock is in the past; expiry is asserted by value below.
        validation.validate_exp = false;
        jsonwebtoken::decode::<serde_json::Value>(
            token,
            &DecodingKey::from_secret(secret.as_bytes()),
            &validation,
        )
        .unwrap()
        .claims
    }

    fn provider_with_auth() -> JitsiVideoProvider {
        JitsiVideoProvider::new("https://meet.example.com")
            .with_token_auth(JitsiTokenAuth::new(
                "my_app_id",
                Secret::new("my_app_secret"),
            ))
            .with_clock(Arc::new(FixedClock::at(datetime!(2030-01-01 10:00 UTC))))
    }

    #[tokio::test]
    async fn with_token_auth_the_teacher_gets_a_signed_moderator_token_for_the_room() {
        let provider = provider_with_auth();
        let room = provider.create_room(&spec()).await.unwrap();
        let creds = provider
            .join_credentials(&room, &who(ParticipantRole::Teacher, Some("Teacher")))
            .await
            .unwrap();
        let token = creds.token.unwrap();
        assert_eq!(creds.url, format!("{}?jwt={token}", room.join_url));
        assert_eq!(creds.expires_at, Some(datetime!(2030-01-01 14:00 UTC)));
        let claims = decode(&token, "my_app_secret");
        assert_eq!(claims["aud"], "jitsi");
        assert_eq!(claims["iss"], "my_app_id");
        assert_eq!(claims["sub"], "meet.example.com");
        assert_eq!(claims["room"], room.external_id.as_str());
        assert_eq!(
            claims["exp"],
            datetime!(2030-01-01 14:00 UTC).unix_timestamp()
        );
        assert_eq!(claims["context"]["user"]["id"], "u1");
        assert_eq!(claims["context"]["user"]["name"], "Teacher");
        assert_eq!(claims["context"]["user"]["affiliation"], "owner");
        assert_eq!(claims["moderator"], true);
    }

    #[tokio::test]
    async fn a_participant_token_has_no_moderator_rights_and_a_string_name() {
        let provider = provider_with_auth();
        let room = provider.create_room(&spec()).await.unwrap();
        let creds = provider
            .join_credentials(&room, &who(ParticipantRole::Participant, None))
            .await
            .unwrap();
        let claims = decode(&creds.token.unwrap(), "my_app_secret");
        assert_eq!(claims["moderator"], false);
        assert_eq!(claims["context"]["user"]["affiliation"], "member");
        // Jitsi throws on a null name; the user id stands in.
        assert_eq!(claims["context"]["user"]["name"], "u1");
    }

    #[tokio::test]
    async fn a_co_host_token_has_moderator_rights_but_is_not_the_owner() {
        let provider = provider_with_auth();
        let room = provider.create_room(&spec()).await.unwrap();
        let mut co_host = who(ParticipantRole::Participant, None);
        co_host.co_host = true;
        let creds = provider.join_credentials(&room, &co_host).await.unwrap();
        let claims = decode(&creds.token.unwrap(), "my_app_secret");
        assert_eq!(claims["moderator"], true);
        assert_eq!(claims["context"]["user"]["affiliation"], "moderator");
    }

    #[tokio::test]
    async fn a_muted_participant_enters_with_microphone_and_camera_off() {
        let mut muted = who(ParticipantRole::Participant, None);
        muted.mic_allowed = false;
        let provider = provider_with_auth();
        let room = provider.create_room(&spec()).await.unwrap();
        let creds = provider.join_credentials(&room, &muted).await.unwrap();
        assert!(
            creds.url.ends_with("#config.startWithAudioMuted=true"),
            "{}",
            creds.url
        );
        muted.camera_allowed = false;
        let open = JitsiVideoProvider::new("https://meet.example.com");
        let room = open.create_room(&spec()).await.unwrap();
        let creds = open.join_credentials(&room, &muted).await.unwrap();
        assert_eq!(
            creds.url,
            format!(
                "{}#config.startWithAudioMuted=true&config.startWithVideoMuted=true",
                room.join_url
            )
        );
        let allowed = who(ParticipantRole::Participant, None);
        let creds = open.join_credentials(&room, &allowed).await.unwrap();
        assert_eq!(creds.url, room.join_url);
    }

    #[tokio::test]
    async fn a_token_signed_with_another_secret_does_not_verify() {
        let provider = provider_with_auth();
        let room = provider.create_room(&spec()).await.unwrap();
        let token = provider
            .join_credentials(&room, &who(ParticipantRole::Participant, None))
            .await
            .unwrap()
            .token
            .unwrap();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&["jitsi"]);
        validation.validate_exp = false;
        assert!(
            jsonwebtoken::decode::<serde_json::Value>(
                &token,
                &DecodingKey::from_secret(b"another"),
                &validation
            )
            .is_err()
        );
    }

    #[test]
    fn debug_output_does_not_show_the_app_secret() {
        let debug = format!("{:?}", provider_with_auth());
        assert!(!debug.contains("my_app_secret"), "{debug}");
    }
}
