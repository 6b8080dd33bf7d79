use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `PUT /live-classes/{id}/actual-times`: exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActualTimesBody {
    /// When the class actually started (RFC 3339), within 2 minutes of now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2030-03-04T19:01:00Z")]
    pub started_at: Option<OffsetDateTime>,
    /// When the class actually ended (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2030-03-04T21:00:00Z")]
    pub ended_at: Option<OffsetDateTime>,
}
