use actix_web::{HttpResponse, get, web};
use liveclass_domain::calendar::Calendars;

use super::{FeedQuery, ics};
use crate::error::{ApiError, ErrorBody};
use crate::ical::FeedSettings;

/// The token owner's own feed: the classes they teach, from 90 days ago on,
/// as iCalendar (RFC 5545).
#[utoipa::path(
    tag = "calendar",
    params(FeedQuery),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        (status = 404, description = "Unknown or revoked token", body = ErrorBody),
    )
)]
#[get("/calendar/me.ics")]
pub async fn user_calendar(
    service: web::Data<dyn Calendars>,
    settings: web::Data<FeedSettings>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let classes = service.user_feed(&query.token()?).await?;
    Ok(ics("LiveClass: my classes", &classes, &settings))
}
