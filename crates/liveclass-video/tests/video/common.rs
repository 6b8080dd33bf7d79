//! Shared by the adapter tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use liveclass_domain::class::ParticipantRole;
use liveclass_domain::ids::{ClassId, RoomId, RoomName, TenantId, UserId};
use liveclass_domain::video::{JoinRequest, RoomSpec};
use liveclass_video::HttpOptions;
use time::macros::datetime;
use uuid::Uuid;

/// Fast retries so the error tests take milliseconds, a short timeout so
/// the timeout test does too.
pub fn fast_http() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_millis(500),
        connect_timeout: Duration::from_millis(500),
        max_retries: 2,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

pub fn spec() -> RoomSpec {
    RoomSpec {
        class_id: ClassId::from_uuid(Uuid::from_u128(1)),
        tenant_id: TenantId::parse("acme").unwrap(),
        room_id: RoomId::from_uuid(Uuid::from_u128(2)),
        room_name: RoomName::from_bits(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        title: "Rust 101".into(),
        description: Some("Ownership and borrowing".into()),
        scheduled_at: datetime!(2030-01-01 10:00 UTC),
        max_participants: 25,
    }
}

/// The spec's room name: never its public room id.
pub const ROOM_NAME: &str = "lc-0123456789abcdef0123456789abcdef";

pub fn who(role: ParticipantRole) -> JoinRequest {
    JoinRequest {
        user_id: UserId::parse("user-1").unwrap(),
        name: Some("Ada".into()),
        role,
        co_host: false,
        mic_allowed: true,
        camera_allowed: true,
    }
}
