//! `/live-classes/{liveClassId}/messages` and `/questions`: in-class
//! interaction (the chat and its questions); `/interactions`: seed 003's
//! single endpoint mapped onto them (and polls, reactions), and read marks.
//! Who may post and read is the domain's (`liveclass_domain::interaction`).

pub mod ask_question;
pub mod delete_message;
pub mod list_interactions;
pub mod list_messages;
pub mod list_questions;
pub mod mark_read;
pub mod post_interaction;
pub mod post_message;
pub mod set_question_status;
pub mod upvote_question;

use liveclass_domain::ids::MessageId;

use crate::error::{ApiError, ErrorCode};

/// Parses a `{messageId}` (or `{questionId}`) path segment.
fn message_id(name: &str, raw: &str) -> Result<MessageId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(MessageId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("{name} must be a UUID (got `{raw}`)"),
            )
        })
}
