use serde::Serialize;
use utoipa::ToSchema;

/// A new calendar token. Keep it: it is not shown again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarTokenResponse {
    pub token: String,
    /// Subscribe to this URL for the classes you teach.
    pub my_feed_url: String,
    /// Replace `{courseId}` to subscribe to a course.
    pub course_feed_url: String,
}

/// The answer to a revocation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarTokensRevokedResponse {
    /// How many tokens were revoked.
    pub revoked: u32,
}
