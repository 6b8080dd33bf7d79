//! `/live-classes/{liveClassId}/polls`: polls (moderators create, open and
//! close them; participants vote once, for good). The rules are the
//! domain's (`liveclass_domain::interaction::polls`).

pub mod close;
pub mod create;
pub mod get;
pub mod list;
pub mod open;
pub mod vote;

use liveclass_domain::ids::PollId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{pollId}` path segment.
fn poll_id(raw: &str) -> Result<PollId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(PollId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("pollId must be a UUID (got `{raw}`)"),
            )
        })
}
