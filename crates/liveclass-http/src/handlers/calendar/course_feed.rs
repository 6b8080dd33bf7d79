use actix_web::{HttpResponse, get, web};
use liveclass_domain::calendar::Calendars;
use liveclass_domain::schedule::CourseId;

use super::{FeedQuery, ics};
use crate::error::{ApiError, ErrorBody};
use crate::ical::FeedSettings;

/// A course's classes as an iCalendar feed (RFC 5545), for calendar apps:
/// from 90 days ago on, cancelled ones as `STATUS:CANCELLED`, each with a
/// stable UID, a SEQUENCE that grows when the class changes, and its join
/// link. Opened by a calendar token, not a bearer header.
#[utoipa::path(
    tag = "calendar",
    params(
        ("courseId" = String, Path, description = "The course"),
        FeedQuery,
    ),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        (status = 400, description = "Invalid courseId", body = ErrorBody),
        (status = 404, description = "Unknown or revoked token", body = ErrorBody),
    )
)]
#[get("/calendar/courses/{courseId}.ics")]
pub async fn course_calendar(
    service: web::Data<dyn Calendars>,
    settings: web::Data<FeedSettings>,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.token()?;
    let course = CourseId::parse(&path)?;
    let classes = service.course_feed(&token, &course).await?;
    Ok(ics(&format!("LiveClass: {path}"), &classes, &settings))
}
