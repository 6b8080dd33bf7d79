//! `/schedules`: recurring schedules and the classes they generate.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;

use liveclass_domain::schedule::ScheduleId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{scheduleId}` path segment.
fn schedule_id(raw: &str) -> Result<ScheduleId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(ScheduleId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("scheduleId must be a UUID (got `{raw}`)"),
            )
        })
}
