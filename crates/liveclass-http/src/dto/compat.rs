//! `/live-classes/{id}/interactions`: seed 003's single interaction
//! endpoint, mapped onto the chat, questions, polls and reactions (see
//! `liveclass_domain::interaction::compat` for the mapping).

use liveclass_domain::interaction::{
    InteractionPost, InteractionType, Message, MessagePage, MessageQuery, Poll, PostedReaction,
    ReadUpTo,
};
use liveclass_domain::validation::{Field, ValidationError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::integer;
use super::poll::PollResponse;
use super::reaction::{ReactionCountResponse, ReactionResponse};
use crate::error::ApiError;

/// Seed 003's interaction types.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SeedInteractionType)]
pub enum SeedInteractionTypeDto {
    Chat,
    Question,
    PollResponse,
    Reaction,
}

impl From<InteractionType> for SeedInteractionTypeDto {
    fn from(t: InteractionType) -> Self {
        match t {
            InteractionType::Chat => Self::Chat,
            InteractionType::Question => Self::Question,
            InteractionType::PollResponse => Self::PollResponse,
            InteractionType::Reaction => Self::Reaction,
        }
    }
}

/// `POST /live-classes/{liveClassId}/interactions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostInteractionBody {
    /// `chat`, `question`, `poll_response` or `reaction`.
    #[schema(value_type = SeedInteractionTypeDto, example = "chat")]
    pub interaction_type: String,
    /// `chat`, `question`: the text (plain text, 1 to 2000 characters).
    /// `poll_response`: `{pollId}:{option}[,{option}…]`, the poll's UUID
    /// and 0-based option indexes (`6f1c…:1`, or `6f1c…:0,2` for a
    /// multiple-choice poll). `reaction`: a reaction's name or emoji
    /// (`thumbs_up`, `👍`, …).
    #[schema(example = "Could you repeat the last slide?")]
    pub content: String,
    /// `question` only: hide the author (default false). `true` with any
    /// other type is refused (400 `validation_failed`).
    pub is_anonymous: Option<bool>,
}

impl PostInteractionBody {
    /// # Errors
    /// `validation_failed` naming the field.
    pub fn parse(&self) -> Result<InteractionPost, ApiError> {
        Ok(InteractionPost::parse(
            &self.interaction_type,
            &self.content,
            self.is_anonymous.unwrap_or(false),
        )?)
    }
}

/// An interaction as seed 003 shows it, with the richer resource it maps
/// onto alongside.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InteractionResponse {
    /// The message's, poll's or reaction's id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub interaction_type: SeedInteractionTypeDto,
    /// The text (`chat`, `question`), `{pollId}:{options}` (`poll_response`)
    /// or the reaction's name (`reaction`).
    pub content: String,
    pub is_anonymous: bool,
    /// The author; `null` when anonymous.
    #[schema(required = true)]
    pub user_id: Option<String>,
    #[schema(required = true)]
    pub user_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// `chat`, `question`: the place in the class's chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// `poll_response`: the poll after the vote (its live counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poll: Option<PollResponse>,
    /// `reaction`: the class's counts per kind after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction_counts: Option<Vec<ReactionCountResponse>>,
}

impl From<Message> for InteractionResponse {
    fn from(m: Message) -> Self {
        let (user_id, user_name) = m.shown_author().map_or((None, None), |(id, name)| {
            (Some(id.to_string()), name.map(str::to_owned))
        });
        Self {
            id: m.id.to_string(),
            live_class_id: m.class_id.to_string(),
            interaction_type: match m.kind {
                liveclass_domain::interaction::MessageKind::Chat => InteractionType::Chat,
                liveclass_domain::interaction::MessageKind::Question => InteractionType::Question,
            }
            .into(),
            content: m.text,
            is_anonymous: m.anonymous,
            user_id,
            user_name,
            created_at: m.posted_at,
            position: Some(m.position),
            poll: None,
            reaction_counts: None,
        }
    }
}

impl InteractionResponse {
    /// A vote by `voter` (`null` for an anonymous poll) for `options`.
    pub fn vote(poll: Poll, voter: &str, options: &[u32], at: OffsetDateTime) -> Self {
        let anonymous = poll.spec.anonymous;
        let options: Vec<String> = options.iter().map(ToString::to_string).collect();
        Self {
            id: poll.id.to_string(),
            live_class_id: poll.class_id.to_string(),
            interaction_type: SeedInteractionTypeDto::PollResponse,
            content: format!("{}:{}", poll.id, options.join(",")),
            is_anonymous: anonymous,
            user_id: (!anonymous).then(|| voter.to_owned()),
            user_name: None,
            created_at: at,
            position: None,
            poll: Some(poll.into()),
            reaction_counts: None,
        }
    }

    /// A reaction.
    pub fn reaction(posted: PostedReaction) -> Self {
        let r = ReactionResponse::from(posted);
        Self {
            id: r.id,
            live_class_id: r.live_class_id,
            interaction_type: SeedInteractionTypeDto::Reaction,
            content: r.reaction.to_owned(),
            is_anonymous: false,
            user_id: Some(r.user_id),
            user_name: None,
            created_at: r.reacted_at,
            position: None,
            poll: None,
            reaction_counts: Some(r.counts),
        }
    }
}

/// `GET /live-classes/{liveClassId}/interactions` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListInteractionsQuery {
    /// `chat` or `question` (default both). `poll_response` and `reaction`
    /// are not listed one by one: they are counted, at
    /// `GET /live-classes/{liveClassId}/polls` and `…/reactions` (400
    /// `validation_failed` says so).
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<SeedInteractionTypeDto>)]
    pub kind: Option<String>,
    /// At most this many, 1 to 100; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// The `nextCursor` of the previous page; none for the first page.
    #[param(value_type = Option<String>, example = "50")]
    pub cursor: Option<String>,
}

impl ListInteractionsQuery {
    /// The chat query it is, and the `after` it starts from.
    ///
    /// # Errors
    /// `validation_failed`: a bad number or cursor, a type not listed here.
    pub fn parse(&self) -> Result<(MessageQuery, u64), ApiError> {
        let kinds = match self.kind.as_deref() {
            None => Vec::new(),
            Some(raw) => {
                let t = InteractionType::parse(raw)?;
                let kind = t.message_kind().ok_or_else(|| {
                    ValidationError::new(
                        Field::InteractionType,
                        format!(
                            "`{}` interactions are counted, not listed: see GET \
                             /live-classes/{{liveClassId}}/{}",
                            t.as_str(),
                            if t == InteractionType::Reaction {
                                "reactions"
                            } else {
                                "polls"
                            }
                        ),
                    )
                })?;
                vec![kind]
            }
        };
        let after = integer("cursor", self.cursor.as_deref())?;
        let start = after.and_then(|a| u64::try_from(a).ok()).unwrap_or(0);
        Ok((
            MessageQuery {
                after,
                limit: integer("limit", self.limit.as_deref())?,
                kinds,
            },
            start,
        ))
    }
}

/// A page of interactions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InteractionPageResponse {
    pub data: Vec<InteractionResponse>,
    /// Whether more follow: ask again with `cursor` = `nextCursor`.
    pub has_more: bool,
    /// The cursor of the next page (opaque).
    #[schema(example = "50")]
    pub next_cursor: String,
}

impl InteractionPageResponse {
    /// The page of a request starting after `after`.
    pub fn new(page: MessagePage, after: u64) -> Self {
        let next = page.messages.last().map_or(after, |m| m.position);
        Self {
            data: page.messages.into_iter().map(Into::into).collect(),
            has_more: page.has_more,
            next_cursor: next.to_string(),
        }
    }
}

/// `POST /live-classes/{liveClassId}/interactions/read`: one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkReadBody {
    /// The last position seen (a message's `position`, or a page's
    /// `nextCursor`/`nextAfter`).
    #[schema(minimum = 0, example = 42)]
    pub last_position: Option<i64>,
    /// The last message seen (its id).
    #[schema(format = Uuid)]
    pub last_message_id: Option<String>,
}

impl MarkReadBody {
    /// # Errors
    /// `validation_failed`: neither or both, a negative position, an id
    /// that is not a UUID.
    pub fn parse(&self) -> Result<ReadUpTo, ApiError> {
        match (self.last_position, self.last_message_id.as_deref()) {
            (Some(p), None) => Ok(ReadUpTo::Position(
                liveclass_domain::interaction::reads::read_position(p)?,
            )),
            (None, Some(id)) => uuid::Uuid::try_parse(id)
                .map(|u| ReadUpTo::Message(liveclass_domain::ids::MessageId::from_uuid(u)))
                .map_err(|_| {
                    ValidationError::new(Field::LastReadPosition, "lastMessageId must be a UUID")
                        .into()
                }),
            _ => Err(ValidationError::new(
                Field::LastReadPosition,
                "give exactly one of lastPosition and lastMessageId",
            )
            .into()),
        }
    }
}

/// The caller's read mark after it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadMarkResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// Where the mark stands (never moves backwards; never past the last
    /// message).
    pub last_read_position: u64,
    /// The caller's unread messages after it.
    pub unread_messages: u64,
}
