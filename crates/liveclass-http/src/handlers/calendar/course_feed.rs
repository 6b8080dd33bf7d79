use actix_web::{HttpResponse, get, web};
use liveclass_domain::schedule::CourseId;

use super::{FeedQuery, ics};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(CourseCalendarErrors: [QUERY], [ValidationFailed, CalendarNotFound]);

/// A course's classes as an iCalendar feed (RFC 5545), for calendar apps:
/// from 90 days ago on, cancelled ones as `STATUS:CANCELLED`, each with a
/// stable UID, a SEQUENCE that grows when the class changes, and its join
/// link. Opened by a calendar token, not a bearer header.
#[utoipa::path(
    tag = "calendar",
    params(
        ("courseId" = String, Path, description = "The course", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
        FeedQuery,
    ),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        CourseCalendarErrors,
    )
)]
#[get("/calendar/courses/{courseId}.ics")]
pub async fn course_calendar(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.token()?;
    let course = CourseId::parse(&path)?;
    let classes = state
        .services
        .calendars
        .course_feed(&token, &course)
        .await?;
    Ok(ics(
        &format!("LiveClass: {path}"),
        &classes,
        &state.feeds,
        &token,
    ))
}
