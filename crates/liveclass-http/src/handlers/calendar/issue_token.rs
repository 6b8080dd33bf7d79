use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::CalendarTokenResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(IssueCalendarTokenErrors: [AUTH, LIMITED], []);

/// Mint a calendar token for yourself. It is shown once (only its hash is
/// stored) and opens your feeds until you revoke your tokens.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token and your feed URLs", body = CalendarTokenResponse),
        IssueCalendarTokenErrors,
    )
)]
#[post("/calendar/tokens")]
pub async fn issue_calendar_token(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let token = state.services.calendars.issue_token(&caller).await?;
    let base = &state.feeds.public_url;
    Ok(HttpResponse::Created().json(CalendarTokenResponse {
        my_feed_url: format!("{base}/calendar/me.ics?token={}", token.as_str()),
        course_feed_url: format!(
            "{base}/calendar/courses/{{courseId}}.ics?token={}",
            token.as_str()
        ),
        token: token.as_str().to_owned(),
    }))
}
