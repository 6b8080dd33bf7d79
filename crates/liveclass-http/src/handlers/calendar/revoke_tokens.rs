use actix_web::{HttpResponse, delete, web};

use crate::auth::Authenticated;
use crate::dto::CalendarTokensRevokedResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(RevokeCalendarTokensErrors: [AUTH, LIMITED], []);

/// Revoke every calendar token you have; their feeds answer 404 at once.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = CalendarTokensRevokedResponse),
        RevokeCalendarTokensErrors,
    )
)]
#[delete("/calendar/tokens")]
pub async fn revoke_calendar_tokens(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let revoked = state.services.calendars.revoke_tokens(&caller).await?;
    Ok(HttpResponse::Ok().json(CalendarTokensRevokedResponse { revoked }))
}
