//! `/live-classes/{id}/messages`: the class's chat.

use liveclass_domain::interaction::{Message, MessageKind, MessagePage, MessageQuery, MessageText};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::integer;
use crate::error::ApiError;

/// The kind of an interaction in a class's timeline.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = InteractionType)]
pub enum InteractionTypeDto {
    /// A chat message.
    Chat,
}

impl From<MessageKind> for InteractionTypeDto {
    fn from(k: MessageKind) -> Self {
        match k {
            MessageKind::Chat => Self::Chat,
        }
    }
}

/// `POST /live-classes/{liveClassId}/messages`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostMessageBody {
    /// Plain text, 1 to 2000 characters, not blank; line breaks and tabs
    /// allowed, no other control character. Stored and returned exactly as
    /// sent, never interpreted as HTML: render it as text.
    #[schema(
        example = "Could you repeat the last slide?",
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub content: String,
}

impl PostMessageBody {
    /// The parsed text.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<MessageText, ApiError> {
        Ok(MessageText::parse(&self.content)?)
    }
}

/// A chat message.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// Its place in the class's chat: 1, 2, 3, … in the order messages
    /// were stored. Pass the last one seen as `after` for the next page.
    #[schema(example = 7, minimum = 1)]
    pub position: u64,
    #[serde(rename = "type")]
    pub kind: InteractionTypeDto,
    pub author_id: String,
    /// The author's display name from their token, when it had one.
    #[schema(required = true)]
    pub author_name: Option<String>,
    /// The text, exactly as posted (plain text, never HTML).
    pub content: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub posted_at: OffsetDateTime,
}

impl From<Message> for MessageResponse {
    fn from(m: Message) -> Self {
        Self {
            id: m.id.to_string(),
            live_class_id: m.class_id.to_string(),
            position: m.position,
            kind: m.kind.into(),
            author_id: m.author_id.to_string(),
            author_name: m.author_name,
            content: m.text,
            posted_at: m.posted_at,
        }
    }
}

/// A page of a class's chat, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagePageResponse {
    pub data: Vec<MessageResponse>,
    /// Whether more messages follow: ask again with `after` = `nextAfter`.
    pub has_more: bool,
    /// The `after` of the next page: the last position returned (`after`
    /// itself when the page is empty).
    #[schema(example = 50, minimum = 0)]
    pub next_after: u64,
}

impl MessagePageResponse {
    /// The page answering a request with `after`.
    pub fn new(page: MessagePage, after: u64) -> Self {
        let next_after = page.messages.last().map_or(after, |m| m.position);
        Self {
            data: page.messages.into_iter().map(Into::into).collect(),
            has_more: page.has_more,
            next_after,
        }
    }
}

/// `GET /live-classes/{liveClassId}/messages` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMessagesQuery {
    /// Messages with a position above this one; default 0 (from the first).
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub after: Option<String>,
    /// At most this many, 1 to 100; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// Only interactions of this type.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<InteractionTypeDto>)]
    pub kind: Option<String>,
}

impl ListMessagesQuery {
    /// The domain's query (its ranges are checked there).
    ///
    /// # Errors
    /// `validation_failed`: a number that is not an integer, an unknown type.
    pub fn parse(&self) -> Result<MessageQuery, ApiError> {
        Ok(MessageQuery {
            after: integer("after", self.after.as_deref())?,
            limit: integer("limit", self.limit.as_deref())?,
            kinds: self
                .kind
                .as_deref()
                .map(MessageKind::parse)
                .transpose()?
                .into_iter()
                .collect(),
        })
    }
}
