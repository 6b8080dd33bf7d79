use actix_web::{HttpResponse, post, web};
use liveclass_domain::calendar::Calendars;

use crate::auth::Authenticated;
use crate::dto::CalendarTokenResponse;
use crate::error::{ApiError, ErrorBody};
use crate::ical::FeedSettings;

/// Mint a calendar token for yourself. It is shown once (only its hash is
/// stored) and opens your feeds until you revoke your tokens.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token and your feed URLs", body = CalendarTokenResponse),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
    )
)]
#[post("/calendar/tokens")]
pub async fn issue_calendar_token(
    service: web::Data<dyn Calendars>,
    settings: web::Data<FeedSettings>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let token = service.issue_token(&caller).await?;
    let base = &settings.public_url;
    Ok(HttpResponse::Created().json(CalendarTokenResponse {
        my_feed_url: format!("{base}/calendar/me.ics?token={}", token.as_str()),
        course_feed_url: format!(
            "{base}/calendar/courses/{{courseId}}.ics?token={}",
            token.as_str()
        ),
        token: token.as_str().to_owned(),
    }))
}
