use async_trait::async_trait;
use liveclass_domain::video::{
    JoinCredentials, JoinRequest, Room, RoomSpec, VideoError, VideoProvider,
};

/// No video provider: the class's room id is handed out as the "URL"
/// (`room:<room id>`), for clients that route media themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoVideoProvider;

#[async_trait]
impl VideoProvider for NoVideoProvider {
    fn name(&self) -> &'static str {
        "none"
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        Ok(Room {
            provider: self.name().to_owned(),
            external_id: spec.room_name.as_str().to_owned(),
            join_url: format!("room:{}", spec.room_name),
            host_url: None,
            password: None,
        })
    }

    async fn update_room(&self, room: &Room, _spec: &RoomSpec) -> Result<Room, VideoError> {
        Ok(room.clone())
    }

    async fn delete_room(&self, _room: &Room) -> Result<(), VideoError> {
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
