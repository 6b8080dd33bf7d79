//! Seed 003's single interaction endpoint (`GET/POST
//! /live-classes/{id}/interactions`), mapped onto the richer resources:
//! an `interactionType`, a `content` string and `isAnonymous`.
//!
//! | `interactionType` | `content` | `isAnonymous` | is |
//! | --- | --- | --- | --- |
//! | `chat` | the text | `false` only | a chat message |
//! | `question` | the text | `true` or `false` | a question |
//! | `poll_response` | `{pollId}:{option}[,{option}…]` (0-based option indexes, e.g. `…:1` or `…:0,2`) | `false` only (a poll's anonymity is the poll's) | a vote |
//! | `reaction` | a reaction's name or emoji (`thumbs_up`, `👍`, …) | `false` only | a reaction |
//!
//! Any other combination is refused (a validation error naming the field).

use super::model::{MessageKind, MessageText};
use super::reactions::ReactionKind;
use crate::ids::PollId;
use crate::validation::{Field, ValidationError};

/// A seed-003 interaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InteractionType {
    /// A chat message.
    Chat,
    /// A question.
    Question,
    /// A vote in a poll.
    PollResponse,
    /// A reaction.
    Reaction,
}

impl InteractionType {
    /// Every type.
    pub const ALL: &'static [Self] = &[
        Self::Chat,
        Self::Question,
        Self::PollResponse,
        Self::Reaction,
    ];

    /// The name, as seed 003 spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Question => "question",
            Self::PollResponse => "poll_response",
            Self::Reaction => "reaction",
        }
    }

    /// # Errors
    /// Not one of the four names.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::InteractionType,
                    "must be `chat`, `question`, `poll_response` or `reaction`",
                )
            })
    }

    /// The chat kind it lists, if it is one (`chat`, `question`).
    pub const fn message_kind(self) -> Option<MessageKind> {
        match self {
            Self::Chat => Some(MessageKind::Chat),
            Self::Question => Some(MessageKind::Question),
            Self::PollResponse | Self::Reaction => None,
        }
    }
}

/// A seed-003 post, mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InteractionPost {
    /// Post a chat message.
    Chat(MessageText),
    /// Ask a question.
    Question {
        /// The text.
        text: MessageText,
        /// Hide the author.
        anonymous: bool,
    },
    /// Vote in a poll.
    PollResponse {
        /// The poll.
        poll: PollId,
        /// The chosen option indexes, as given.
        options: Vec<u32>,
    },
    /// React.
    Reaction(ReactionKind),
}

impl InteractionPost {
    /// # Errors
    /// An unknown type, a `content` that does not fit the type, or
    /// `isAnonymous` on anything but a question.
    pub fn parse(
        interaction_type: &str,
        content: &str,
        anonymous: bool,
    ) -> Result<Self, ValidationError> {
        let kind = InteractionType::parse(interaction_type)?;
        if anonymous && kind != InteractionType::Question {
            return Err(ValidationError::new(
                Field::Anonymous,
                format!("applies to questions only, not to `{}`", kind.as_str()),
            ));
        }
        Ok(match kind {
            InteractionType::Chat => Self::Chat(MessageText::parse(content)?),
            InteractionType::Question => Self::Question {
                text: MessageText::parse(content)?,
                anonymous,
            },
            InteractionType::Reaction => Self::Reaction(
                ReactionKind::parse(content)
                    .map_err(|e| ValidationError::new(Field::Content, e.message))?,
            ),
            InteractionType::PollResponse => {
                let bad = || {
                    ValidationError::new(
                        Field::Content,
                        "a poll_response's content must be `{pollId}:{option}[,{option}…]` \
                         (the poll's UUID, then 0-based option indexes)",
                    )
                };
                let (poll, options) = content.split_once(':').ok_or_else(bad)?;
                let poll = uuid::Uuid::try_parse(poll.trim()).map_err(|_| bad())?;
                let options = options
                    .split(',')
                    .map(|o| o.trim().parse::<u32>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| bad())?;
                if options.is_empty() || options.len() > 10 {
                    return Err(bad());
                }
                Self::PollResponse {
                    poll: PollId::from_uuid(poll),
                    options,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: &str = "6f1c2b8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

    #[test]
    fn each_type_maps_onto_its_resource() {
        assert_eq!(
            InteractionPost::parse("chat", "hi", false),
            Ok(InteractionPost::Chat(MessageText::parse("hi").unwrap()))
        );
        assert_eq!(
            InteractionPost::parse("question", "why?", true),
            Ok(InteractionPost::Question {
                text: MessageText::parse("why?").unwrap(),
                anonymous: true
            })
        );
        assert_eq!(
            InteractionPost::parse("reaction", "👏", false),
            Ok(InteractionPost::Reaction(ReactionKind::Clap))
        );
        assert_eq!(
            InteractionPost::parse("poll_response", &format!("{POLL}:0, 2"), false),
            Ok(InteractionPost::PollResponse {
                poll: PollId::from_uuid(uuid::Uuid::try_parse(POLL).unwrap()),
                options: vec![0, 2]
            })
        );
    }

    #[test]
    fn unsupported_combinations_are_refused_naming_the_field() {
        for (t, content, anonymous, field) in [
            ("poll", "x", false, Field::InteractionType),
            ("Chat", "x", false, Field::InteractionType),
            ("chat", "x", true, Field::Anonymous),
            ("reaction", "thumbs_up", true, Field::Anonymous),
            ("poll_response", "x:1", true, Field::Anonymous),
            ("chat", "  ", false, Field::Content),
            ("reaction", "thumbs_down", false, Field::Content),
            ("poll_response", POLL, false, Field::Content),
            ("poll_response", "not-a-uuid:1", false, Field::Content),
            ("poll_response", &format!("{POLL}:"), false, Field::Content),
            ("poll_response", &format!("{POLL}:a"), false, Field::Content),
            (
                "poll_response",
                &format!("{POLL}:-1"),
                false,
                Field::Content,
            ),
        ] {
            let err = InteractionPost::parse(t, content, anonymous).expect_err(content);
            assert_eq!(err.field, field, "{t} {content:?} {anonymous}");
        }
    }

    #[test]
    fn types_name_their_chat_kind() {
        for t in InteractionType::ALL {
            assert_eq!(InteractionType::parse(t.as_str()), Ok(*t));
        }
        assert_eq!(
            InteractionType::Chat.message_kind(),
            Some(MessageKind::Chat)
        );
        assert_eq!(InteractionType::Reaction.message_kind(), None);
    }
}
