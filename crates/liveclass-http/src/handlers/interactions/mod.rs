//! `/live-classes/{liveClassId}/messages`: in-class interaction (the chat).
//! Who may post and read is the domain's (`liveclass_domain::interaction`).

pub mod delete_message;
pub mod list_messages;
pub mod post_message;

use liveclass_domain::ids::MessageId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{messageId}` path segment.
fn message_id(raw: &str) -> Result<MessageId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(MessageId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("messageId must be a UUID (got `{raw}`)"),
            )
        })
}
