use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `PUT /live-classes/{id}/actual-times`: exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActualTimesBody {
    /// When the class actually started (RFC 3339), within 2 minutes of now;
    /// between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2030-03-04T19:01:00Z")]
    pub started_at: Option<OffsetDateTime>,
    /// When the class actually ended (RFC 3339), between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z once in UTC.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2030-03-04T21:00:00Z")]
    pub ended_at: Option<OffsetDateTime>,
}
