//! Bodies of the endpoints added with video providers: `PATCH` and the
//! token re-issue.

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::participation::RoleDto;

/// `PATCH /live-classes/{id}`: every field is optional; absent fields keep
/// their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateClassBody {
    /// 1 to 200 characters; surrounding white space is trimmed; no control
    /// characters.
    #[schema(
        example = "Advanced JavaScript Session (part 2)",
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: Option<String>,
    /// At most 5000 characters, no control characters but line breaks and
    /// tabs; `null` or a blank text removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    /// The new planned start (RFC 3339), between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2030-11-21T14:00:00Z")]
    pub scheduled_at: Option<OffsetDateTime>,
    /// 1 to 500 (the deployment's limit), and not below the participants in
    /// the class right now.
    #[schema(format = Int32, example = 100, minimum = 1, maximum = 500)]
    pub max_participants: Option<i64>,
    /// A new admission policy, for joins from now on (nobody in the class is
    /// removed); `roster` needs the class to have a course.
    pub admission_policy: Option<super::class::AdmissionPolicyDto>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// New credentials for the video room.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// The role the credentials carry: `teacher` has host rights.
    pub role: RoleDto,
    /// Where to enter the video room (for Zoom's teacher: the host link).
    #[schema(example = "https://acme.daily.co/room-789f0123-e89b-12d3-a456-426614174000")]
    pub join_url: String,
    /// A per-user token for the room, for providers that use them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub token_expires_at: Option<OffsetDateTime>,
}
