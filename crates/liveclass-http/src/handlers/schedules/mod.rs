//! `/schedules`: recurring schedules and the classes they generate.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;

use actix_web::http::StatusCode;
use liveclass_domain::schedule::ScheduleId;
use liveclass_domain::schedule::errors::{
    CreateScheduleError, DeleteScheduleError, GetScheduleError, ListSchedulesError,
    UpdateScheduleError,
};
use liveclass_domain::video::VideoError;

use crate::error::ApiError;

/// Parses the `{scheduleId}` path segment.
fn schedule_id(raw: &str) -> Result<ScheduleId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(ScheduleId::from_uuid)
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_id",
                format!("scheduleId must be a UUID (got `{raw}`)"),
            )
        })
}

fn forbidden(message: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}

fn not_found() -> ApiError {
    ApiError::not_found("schedule_not_found", "Schedule not found")
}

fn too_many(message: String) -> ApiError {
    ApiError::bad_request("too_many_occurrences", message)
}

fn video(e: &VideoError) -> ApiError {
    tracing::warn!(error = %e, "video provider call failed while generating classes");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "video_provider_unavailable",
        format!("The video provider failed: {e}"),
    )
}

impl From<CreateScheduleError> for ApiError {
    fn from(e: CreateScheduleError) -> Self {
        match e {
            CreateScheduleError::Invalid(v) => v.into(),
            CreateScheduleError::Forbidden => forbidden(e.to_string()),
            CreateScheduleError::TooManyOccurrences(_) => too_many(e.to_string()),
            CreateScheduleError::Video(v) => video(&v),
            CreateScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<ListSchedulesError> for ApiError {
    fn from(e: ListSchedulesError) -> Self {
        match e {
            ListSchedulesError::Invalid(v) => v.into(),
            ListSchedulesError::Forbidden => forbidden(e.to_string()),
            ListSchedulesError::Store(s) => s.into(),
        }
    }
}

impl From<GetScheduleError> for ApiError {
    fn from(e: GetScheduleError) -> Self {
        match e {
            GetScheduleError::Forbidden => forbidden(e.to_string()),
            GetScheduleError::NotFound => not_found(),
            GetScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<UpdateScheduleError> for ApiError {
    fn from(e: UpdateScheduleError) -> Self {
        match e {
            UpdateScheduleError::Invalid(v) => v.into(),
            UpdateScheduleError::Forbidden => forbidden(e.to_string()),
            UpdateScheduleError::NotFound => not_found(),
            UpdateScheduleError::TooManyOccurrences(_) => too_many(e.to_string()),
            UpdateScheduleError::Video(v) => video(&v),
            UpdateScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<DeleteScheduleError> for ApiError {
    fn from(e: DeleteScheduleError) -> Self {
        match e {
            DeleteScheduleError::Forbidden => forbidden(e.to_string()),
            DeleteScheduleError::NotFound => not_found(),
            DeleteScheduleError::Store(s) => s.into(),
        }
    }
}
