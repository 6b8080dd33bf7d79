use async_trait::async_trait;
use liveclass_domain::video::{
    JoinCredentials, JoinRequest, Room, RoomSpec, VideoError, VideoProvider,
};

/// Jitsi Meet without token authentication (meet.jit.si or an open
/// self-hosted instance).
#[derive(Debug, Clone)]
pub struct JitsiVideoProvider {
    base_url: String,
}

impl JitsiVideoProvider {
    pub const DEFAULT_DOMAIN: &'static str = "meet.jit.si";

    /// `domain` is a host name (`meet.example.org`) or a base URL
    /// (`https://meet.example.org/prefix`).
    pub fn new(domain: &str) -> Self {
        let trimmed = domain.trim().trim_end_matches('/');
        let base_url = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        Self { base_url }
    }
}

impl Default for JitsiVideoProvider {
    fn default() -> Self {
        Self::new(Self::DEFAULT_DOMAIN)
    }
}

#[async_trait]
impl VideoProvider for JitsiVideoProvider {
    fn name(&self) -> &'static str {
        "jitsi"
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        // The room name is the class's room id: `room-` and a v4 UUID from
        // the OS's CSPRNG, so it cannot be guessed from other classes'.
        let name = spec.room_id.as_str();
        Ok(Room {
            provider: self.name().to_owned(),
            external_id: name.to_owned(),
            join_url: format!("{}/{name}", self.base_url),
            host_url: None,
            password: None,
        })
    }

    async fn delete_room(&self, _room: &Room) -> Result<(), VideoError> {
        // Jitsi rooms vanish when empty; there is nothing to delete.
        Ok(())
    }

    async fn join_credentials(
        &self,
        room: &Room,
        _who: &JoinRequest,
    ) -> Result<JoinCredentials, VideoError> {
        Ok(JoinCredentials {
            url: room.join_url.clone(),
            token: None,
            expires_at: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use liveclass_domain::class::ParticipantRole;
    use liveclass_domain::ids::{ClassId, RoomId, TenantId, UserId};
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn spec() -> RoomSpec {
        RoomSpec {
            class_id: ClassId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::parse("t").unwrap(),
            room_id: RoomId::from_uuid(Uuid::from_u128(2)),
            title: "Rust".into(),
            scheduled_at: datetime!(2030-01-01 10:00 UTC),
            max_participants: 10,
        }
    }

    #[tokio::test]
    async fn the_join_url_is_the_room_id_on_the_jitsi_domain() {
        let room = JitsiVideoProvider::default()
            .create_room(&spec())
            .await
            .unwrap();
        assert_eq!(room.provider, "jitsi");
        assert_eq!(
            room.join_url,
            "https://meet.jit.si/room-00000000-0000-0000-0000-000000000002"
        );
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
                room.join_url.starts_with("https://meet.example.org/room-"),
                "{domain}"
            );
        }
    }

    #[tokio::test]
    async fn everyone_joins_through_the_room_url() {
        let provider = JitsiVideoProvider::default();
        let room = provider.create_room(&spec()).await.unwrap();
        let who = JoinRequest {
            user_id: UserId::parse("u").unwrap(),
            name: None,
            role: ParticipantRole::Participant,
        };
        let creds = provider.join_credentials(&room, &who).await.unwrap();
        assert_eq!(creds.url, room.join_url);
        assert_eq!(creds.token, None);
        provider.delete_room(&room).await.unwrap();
    }
}
