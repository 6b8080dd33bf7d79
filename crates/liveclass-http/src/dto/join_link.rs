use liveclass_domain::class::Joined;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::class::ClassResponse;
use super::participation::JoinResponse;

/// A join link followed before its class started.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinCountdownResponse {
    pub live_class: ClassResponse,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: OffsetDateTime,
    /// 0 once the start time has passed and the teacher has not started yet.
    #[schema(example = 540, minimum = 0)]
    pub seconds_until_start: i64,
    #[schema(example = "This live class has not started yet")]
    pub message: &'static str,
}

impl JoinResponse {
    /// The answer to a join, as `POST /live-classes/{id}/join` gives it.
    pub fn from_joined(joined: Joined) -> Self {
        let p = joined.participation;
        Self {
            id: p.id.to_string(),
            live_class_id: p.class_id.to_string(),
            user_id: p.user_id.to_string(),
            role: p.role.into(),
            room_id: joined.class.room_id.to_string(),
            join_url: joined.credentials.url,
            token: joined.credentials.token,
            token_expires_at: joined.credentials.expires_at,
            joined_at: p.joined_at,
            already_joined: joined.already_joined,
            message: if joined.already_joined {
                "Already in this live class"
            } else {
                "Joined live class successfully"
            },
        }
    }
}
