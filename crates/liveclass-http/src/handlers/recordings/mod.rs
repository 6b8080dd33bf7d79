//! Recordings: started and stopped under a class
//! (`/live-classes/{liveClassId}/recordings`), read, shared and deleted
//! under `/recordings/{recordingId}`.

pub mod access;
pub mod delete;
pub mod file;
pub mod get;
pub mod list;
pub mod start;
pub mod stop;

use liveclass_domain::recording::RecordingId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{recordingId}` path segment.
fn recording_id(raw: &str) -> Result<RecordingId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(RecordingId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("recordingId must be a UUID (got `{raw}`)"),
            )
        })
}
