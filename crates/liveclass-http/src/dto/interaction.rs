//! `/live-classes/{id}/messages`: the class's chat.

use liveclass_domain::interaction::{
    Message, MessageKind, MessagePage, MessageQuery, MessageText, QuestionQuery, QuestionSort,
    QuestionStatus,
};
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
    /// A question.
    Question,
}

impl From<MessageKind> for InteractionTypeDto {
    fn from(k: MessageKind) -> Self {
        match k {
            MessageKind::Chat => Self::Chat,
            MessageKind::Question => Self::Question,
        }
    }
}

/// Where a question stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = QuestionStatus)]
pub enum QuestionStatusDto {
    Open,
    Answered,
    Dismissed,
}

impl From<QuestionStatus> for QuestionStatusDto {
    fn from(s: QuestionStatus) -> Self {
        match s {
            QuestionStatus::Open => Self::Open,
            QuestionStatus::Answered => Self::Answered,
            QuestionStatus::Dismissed => Self::Dismissed,
        }
    }
}

impl From<QuestionStatusDto> for QuestionStatus {
    fn from(s: QuestionStatusDto) -> Self {
        match s {
            QuestionStatusDto::Open => Self::Open,
            QuestionStatusDto::Answered => Self::Answered,
            QuestionStatusDto::Dismissed => Self::Dismissed,
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

/// A chat message or a question.
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
    /// The author; `null` when anonymous (never shown, to anyone).
    #[schema(required = true)]
    pub author_id: Option<String>,
    /// The author's display name from their token, when it had one;
    /// `null` when anonymous.
    #[schema(required = true)]
    pub author_name: Option<String>,
    /// Whether the author is hidden.
    pub is_anonymous: bool,
    /// A question's status; `null` for a chat message.
    #[schema(required = true)]
    pub status: Option<QuestionStatusDto>,
    /// A question's upvotes (0 for a chat message).
    #[schema(minimum = 0)]
    pub upvotes: u32,
    /// The text, exactly as posted (plain text, never HTML).
    pub content: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub posted_at: OffsetDateTime,
}

impl From<Message> for MessageResponse {
    fn from(m: Message) -> Self {
        let (author_id, author_name) = m.shown_author().map_or((None, None), |(id, name)| {
            (Some(id.to_string()), name.map(str::to_owned))
        });
        Self {
            id: m.id.to_string(),
            live_class_id: m.class_id.to_string(),
            position: m.position,
            kind: m.kind.into(),
            author_id,
            author_name,
            is_anonymous: m.anonymous,
            status: m.status.map(Into::into),
            upvotes: m.upvotes,
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

/// `POST /live-classes/{liveClassId}/questions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AskQuestionBody {
    /// Plain text, as for a chat message (1 to 2000 characters, not blank).
    #[schema(
        example = "How does borrowing work across threads?",
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub content: String,
    /// Hide the author from everyone (default false). The author is stored
    /// for abuse handling only and never returned by any endpoint or event.
    pub is_anonymous: Option<bool>,
}

impl AskQuestionBody {
    /// The parsed text and whether it is anonymous.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<(MessageText, bool), ApiError> {
        Ok((
            MessageText::parse(&self.content)?,
            self.is_anonymous.unwrap_or(false),
        ))
    }
}

/// `PATCH /live-classes/{liveClassId}/questions/{questionId}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionStatusBody {
    /// `answered`, `dismissed`, or `open` again.
    pub status: QuestionStatusDto,
}

/// The class's questions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuestionListResponse {
    pub data: Vec<MessageResponse>,
}

/// The order of a question list.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = QuestionSort)]
// Documents a field kept as text (the domain parses it and names the field
// when it is wrong).
#[allow(dead_code)]
pub enum QuestionSortDto {
    /// Most upvoted first, then oldest first.
    Votes,
    /// Oldest first.
    Time,
}

/// `GET /live-classes/{liveClassId}/questions` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuestionsQuery {
    /// `votes` (default: most upvoted first) or `time` (oldest first).
    #[param(value_type = Option<QuestionSortDto>, inline)]
    pub sort: Option<String>,
    /// Only questions of this status.
    #[param(value_type = Option<QuestionStatusDto>)]
    pub status: Option<String>,
    /// At most this many, 1 to 100; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// Skip this many; default 0.
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub offset: Option<String>,
}

impl ListQuestionsQuery {
    /// The domain's query (its ranges are checked there).
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(&self) -> Result<QuestionQuery, ApiError> {
        Ok(QuestionQuery {
            sort: self
                .sort
                .as_deref()
                .map(QuestionSort::parse)
                .transpose()?
                .unwrap_or_default(),
            status: self
                .status
                .as_deref()
                .map(QuestionStatus::parse)
                .transpose()?,
            limit: integer("limit", self.limit.as_deref())?,
            offset: integer("offset", self.offset.as_deref())?,
        })
    }
}
