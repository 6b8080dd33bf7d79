use liveclass_domain::events::{ClassEvent, EventPage, EventType};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::integer;
use crate::error::ApiError;

/// The name of an event type, serialised as the domain names it
/// (`class.created`, …). Its schema's `enum` is generated from
/// [`EventType::ALL`], so a type added to the domain's `event_types!` list
/// appears here, in the OpenAPI document and in webhook filters at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTypeDto(pub EventType);

impl From<EventType> for EventTypeDto {
    fn from(t: EventType) -> Self {
        Self(t)
    }
}

impl Serialize for EventTypeDto {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

impl utoipa::PartialSchema for EventTypeDto {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some("The name of an event type."))
            .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
            .into()
    }
}

impl ToSchema for EventTypeDto {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("EventType")
    }
}

/// One event of a class's log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassEventResponse {
    /// Its place in the class's log: 1, 2, 3, … without gaps. The SSE `id:`.
    #[schema(example = 3, minimum = 1)]
    pub seq: u64,
    /// The event's id (also the `webhook-id` of its webhook deliveries).
    #[schema(format = Uuid)]
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: EventTypeDto,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// What a client needs to act on it without another request. Class
    /// events: `{class}`; `class.ended` adds `attendees` (per user `userId`,
    /// `userName`, `firstJoinedAt`, `lastLeftAt`, `secondsPresent`);
    /// `participant.joined`/`participant.left`: `{participation, role` or
    /// `reason, activeCount, capacity}`; `recording.set`: `{class,
    /// recordingUrl}`; `recording.started`/`stopped`/`failed`/`deleted`:
    /// `{recording}`; `message.posted`: `{message}` (a chat message as
    /// `GET /live-classes/{id}/messages` shows it); `message.deleted`:
    /// `{message: {id, position, type}, deletedBy}`; `question.asked`,
    /// `question.answered`, `question.dismissed`, `question.reopened`:
    /// `{question}` (no author when anonymous); `question.upvoted`:
    /// `{question: {id, position, upvotes}}` (never the voter);
    /// `poll.opened`, `poll.closed`: `{poll}` with its counts; `poll.voted`:
    /// `{poll: {id, counts, voters}}` (never the voter); `reaction.posted`:
    /// `{reaction: {id, liveClassId, userId, reaction, emoji, reactedAt},
    /// counts, total}` (the class's counts per kind after it);
    /// `resource.shared`, `resource.removed`: `{resource}`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<ClassEvent> for ClassEventResponse {
    fn from(e: ClassEvent) -> Self {
        Self {
            seq: e.seq,
            id: e.id.to_string(),
            event_type: e.event_type.into(),
            live_class_id: e.class_id.to_string(),
            occurred_at: e.occurred_at,
            data: e.data,
        }
    }
}

/// A page of a class's events.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassEventsResponse {
    /// Events after `after`, in order.
    pub events: Vec<ClassEventResponse>,
    /// The last sequence number the class's log has reached (0: none yet);
    /// ask again with `after` = the last `seq` received.
    #[schema(example = 42)]
    pub last_seq: u64,
    /// `true` when events after `after` are no longer kept: reload the
    /// class, then continue from the events returned.
    pub reset: bool,
}

impl From<EventPage> for ClassEventsResponse {
    fn from(page: EventPage) -> Self {
        Self {
            events: page.events.into_iter().map(Into::into).collect(),
            last_seq: page.last_seq,
            reset: page.reset,
        }
    }
}

/// `GET /live-classes/{id}/events` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassEventsQuery {
    /// Events with a sequence number above this one; default 0 (from the
    /// oldest kept).
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub after: Option<String>,
    /// At most this many events, 1 to 1000; default 100.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 1000, example = 100)]
    pub limit: Option<String>,
    /// Stream only (`Accept: text/event-stream`): resume after this
    /// sequence number, for a browser's first `EventSource` connection
    /// (which cannot send `Last-Event-ID`); the header wins when both are
    /// present. Without either, the stream starts after `after`.
    #[serde(rename = "lastEventId")]
    #[param(rename = "lastEventId", value_type = Option<i64>, minimum = 0, example = 41)]
    pub last_event_id: Option<String>,
    /// Stream only: a stream token (the `streamToken` security scheme
    /// documents it). Refused everywhere else.
    #[param(ignore)]
    pub token: Option<String>,
}

impl ClassEventsQuery {
    /// Where a stream resumes: the `Last-Event-ID` header, else
    /// `lastEventId`, else `after`, else 0.
    ///
    /// # Errors
    /// A value that is not a sequence number (an integer, 0 or more).
    pub fn resume_after(&self, header: Option<&str>) -> Result<u64, ApiError> {
        let header = header.map(str::trim).filter(|h| !h.is_empty());
        // Every value given must be valid, used or not.
        let header = header
            .map(|h| sequence_number("Last-Event-ID", h))
            .transpose()?;
        let query = self.checked_last_event_id()?;
        let after = self
            .after
            .as_deref()
            .map(|a| sequence_number("after", a))
            .transpose()?;
        Ok(header.or(query).or(after).unwrap_or(0))
    }

    /// `lastEventId`, checked (the JSON page ignores it but refuses a bad
    /// one, as the stream does).
    ///
    /// # Errors
    /// Not an integer between 0 and 2^63 - 1.
    pub fn checked_last_event_id(&self) -> Result<Option<u64>, ApiError> {
        self.last_event_id
            .as_deref()
            .map(|q| sequence_number("lastEventId", q))
            .transpose()
    }

    /// `after` and `limit` as integers (their ranges are the domain's).
    ///
    /// # Errors
    /// A value that is not an integer.
    pub fn window(&self) -> Result<(Option<i64>, Option<i64>), ApiError> {
        self.checked_last_event_id()?;
        Ok((
            integer("after", self.after.as_deref())?,
            integer("limit", self.limit.as_deref())?,
        ))
    }
}

/// A sequence number as a client sends it: an integer from 0 to 2^63 - 1
/// (what the log can hold and the OpenAPI document states).
fn sequence_number(field: &str, raw: &str) -> Result<u64, ApiError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| {
            ApiError::new(
                crate::error::ErrorCode::ValidationFailed,
                format!("{field}: must be a sequence number, 0 or more (got `{raw}`)"),
            )
        })
}

/// A stream token: open the class's event stream with `?token=`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamTokenResponse {
    /// The token (`lcst_…`). Accepted only as `token` on this class's
    /// event stream, until `expiresAt`; a stream opened with it stays open.
    pub token: String,
    /// When the token stops opening streams (5 minutes).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// The stream's path with the token, for `new EventSource(url)`
    /// (append `&lastEventId=` to resume).
    #[schema(example = "/live-classes/0d6f.../events?token=lcst_...")]
    pub stream_url: String,
}
