//! `/live-classes`: the seed-000 API.

pub mod attendance;
pub mod cancel;
pub mod create;
pub mod end;
pub mod events;
pub mod events_token;
pub mod get;
pub mod join;
pub mod leave;
pub mod list;
pub mod participants;
pub mod recording;
pub mod start;
pub mod token;
pub mod update;

use liveclass_domain::ids::ClassId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{liveClassId}` path segment.
pub(crate) fn class_id(raw: &str) -> Result<ClassId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(ClassId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("liveClassId must be a UUID (got `{raw}`)"),
            )
        })
}
