use actix_web::{HttpResponse, get, web};

use super::{FeedQuery, ics};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(UserCalendarErrors: [QUERY], [ValidationFailed, CalendarNotFound]);

/// The token owner's own feed: the classes they teach, from 90 days ago on,
/// as iCalendar (RFC 5545).
#[utoipa::path(
    tag = "calendar",
    params(FeedQuery),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        UserCalendarErrors,
    )
)]
#[get("/calendar/me.ics")]
pub async fn user_calendar(
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.token()?;
    let classes = state.services.calendars.user_feed(&token).await?;
    Ok(ics("LiveClass: my classes", &classes, &state.feeds, &token))
}
