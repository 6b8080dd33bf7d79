//! Chat messages and the rules of who moderates a class.

use time::OffsetDateTime;

use crate::ids::{ClassId, MessageId, TenantId, UserId};
use crate::validation::{Field, ValidationError, check_text};

pub use crate::class::is_moderator;

/// The kind of a message in a class's chat: a chat message or a question
/// (seed 003's interaction types; poll responses and reactions have
/// resources of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A chat message.
    Chat,
    /// A question to the teacher: upvoted, answered or dismissed.
    Question,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: &'static [Self] = &[Self::Chat, Self::Question];

    /// The kind's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Question => "question",
        }
    }

    /// # Errors
    /// Not the name of a kind.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(Field::InteractionType, "must be `chat` or `question`")
            })
    }
}

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionStatus {
    /// Asked, not handled yet.
    Open,
    /// A moderator marked it answered.
    Answered,
    /// A moderator dismissed it.
    Dismissed,
}

impl QuestionStatus {
    /// Every status.
    pub const ALL: &'static [Self] = &[Self::Open, Self::Answered, Self::Dismissed];

    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Dismissed => "dismissed",
        }
    }

    /// # Errors
    /// Not the name of a status.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(Field::Status, "must be `open`, `answered` or `dismissed`")
            })
    }
}

/// The order of a question list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuestionSort {
    /// Most upvoted first, then oldest first.
    #[default]
    Votes,
    /// Oldest first.
    Time,
}

impl QuestionSort {
    /// # Errors
    /// Not `votes` or `time`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "votes" => Ok(Self::Votes),
            "time" => Ok(Self::Time),
            _ => Err(ValidationError::new(
                Field::Sort,
                "must be `votes` or `time`",
            )),
        }
    }
}

/// The text of a message: plain text (it is stored and returned exactly as
/// sent and never interpreted as HTML), 1 to [`MessageText::MAX_CHARS`]
/// characters, not blank, line breaks and tabs allowed but no other control
/// character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    /// The most characters a message holds.
    pub const MAX_CHARS: usize = 2000;

    /// # Errors
    /// Blank, too long, or with a control character other than a line
    /// break or a tab.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.trim().is_empty() {
            return Err(ValidationError::new(Field::Content, "must not be blank"));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                Field::Content,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        check_text(Field::Content, raw, true)?;
        Ok(Self(raw.to_owned()))
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The id.
    pub id: MessageId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// Its kind.
    pub kind: MessageKind,
    /// Who posts it.
    pub author_id: UserId,
    /// The author's display name from their token, if any.
    pub author_name: Option<String>,
    /// Whether the author is hidden: kept for abuse handling, never shown
    /// by any endpoint or event, to anyone.
    pub anonymous: bool,
    /// The text.
    pub text: MessageText,
    /// When.
    pub posted_at: OffsetDateTime,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The id.
    pub id: MessageId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// Its place in the class's chat: 1, 2, 3, … in commit order.
    pub position: u64,
    /// Its kind.
    pub kind: MessageKind,
    /// Who posted it.
    pub author_id: UserId,
    /// The author's display name, if their token had one.
    pub author_name: Option<String>,
    /// Whether the author is hidden (see [`NewMessage::anonymous`]).
    pub anonymous: bool,
    /// A question's status; `None` for a chat message.
    pub status: Option<QuestionStatus>,
    /// A question's upvotes (0 for a chat message).
    pub upvotes: u32,
    /// The text, as posted.
    pub text: String,
    /// When it was posted.
    pub posted_at: OffsetDateTime,
    /// When it was deleted, if it was (deleted messages are not listed).
    pub deleted_at: Option<OffsetDateTime>,
    /// Who deleted it.
    pub deleted_by: Option<UserId>,
}

impl Message {
    /// The author as shown to others: `None` for an anonymous message.
    /// Every rendering of a message (events, the API) goes through this.
    pub fn shown_author(&self) -> Option<(&UserId, Option<&str>)> {
        (!self.anonymous).then_some((&self.author_id, self.author_name.as_deref()))
    }
}

/// What the store checks, inside the posting write, about the author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostGuard {
    /// A moderator: only the class's status is checked.
    Moderator,
    /// Anyone else: they must be in the class now (an active
    /// participation) and never removed from it.
    Participant,
}

/// What a post came to; every outcome but `Posted` leaves nothing written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostOutcome {
    /// Stored, with its event appended.
    Posted(Message),
    /// No such class in the tenant.
    ClassNotFound,
    /// The class is not live.
    NotLive,
    /// The author is not in the class.
    NotAdmitted,
    /// The author was removed from the class.
    Removed,
}

/// What a deletion came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// Deleted now, with its event appended (`deleted_at`, `deleted_by` set).
    Deleted(Message),
    /// No such message in the class (or it was already deleted).
    NotFound,
    /// The message is someone else's and the caller may not delete it.
    NotAuthor,
}

/// What an upvote came to; every outcome but `Upvoted` leaves nothing
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpvoteOutcome {
    /// Counted, with its event appended; the question after it.
    Upvoted(Message),
    /// The user had upvoted it already (the database's key decides).
    AlreadyUpvoted,
    /// No such question in the class (or it was deleted).
    QuestionNotFound,
    /// The class refused the voter, as it would refuse a post by them
    /// (`ClassNotFound`, `NotLive`, `NotAdmitted`, `Removed`).
    Refused(PostOutcome),
}

/// A page of a class's chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePage {
    /// Messages with `position > after`, oldest first, at most `limit`.
    pub messages: Vec<Message>,
    /// Whether more messages follow the last one returned.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_is_plain_text_of_bounded_length() {
        assert_eq!(
            MessageText::parse("<b>hi</b>\nthere\t!").map(|t| t.0),
            Ok("<b>hi</b>\nthere\t!".to_owned())
        );
        for bad in ["", "   \n\t", "a\0b", "a\u{1b}b"] {
            let err = MessageText::parse(bad).expect_err(bad);
            assert_eq!(err.field, Field::Content);
        }
        assert!(MessageText::parse(&"é".repeat(2000)).is_ok());
        assert!(MessageText::parse(&"é".repeat(2001)).is_err());
    }

    #[test]
    fn kinds_parse_back_from_their_names() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.as_str()), Ok(*k));
        }
        assert!(MessageKind::parse("poll").is_err());
    }
}
