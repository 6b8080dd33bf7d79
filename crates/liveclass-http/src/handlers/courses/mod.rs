//! `/courses/{courseId}/roster`: who may join the course's classes whose
//! admission policy is `roster` (training managers and organisation admins);
//! `/courses/{courseId}/attendance`: the course's attendance.
//! Course ids are the tenant's own names: another tenant's course of the
//! same name is a different roster, never visible here.

pub mod add_to_roster;
pub mod attendance;
pub mod get_roster;
pub mod put_roster;
pub mod remove_from_roster;

use liveclass_domain::ids::UserId;
use liveclass_domain::schedule::CourseId;

use crate::error::ApiError;

/// Parses the `{courseId}` path segment (400 `validation_failed`).
fn course_id(raw: &str) -> Result<CourseId, ApiError> {
    Ok(CourseId::parse(raw)?)
}

/// Parses the `{userId}` path segment (400 `validation_failed`).
fn user_id(raw: &str) -> Result<UserId, ApiError> {
    Ok(UserId::parse(raw)?)
}
