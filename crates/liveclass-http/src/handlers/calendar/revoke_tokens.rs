use actix_web::{HttpResponse, delete, web};
use liveclass_domain::calendar::Calendars;

use crate::auth::Authenticated;
use crate::dto::CalendarTokensRevokedResponse;
use crate::error::{ApiError, ErrorBody};

/// Revoke every calendar token you have; their feeds answer 404 at once.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = CalendarTokensRevokedResponse),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
    )
)]
#[delete("/calendar/tokens")]
pub async fn revoke_calendar_tokens(
    service: web::Data<dyn Calendars>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let revoked = service.revoke_tokens(&caller).await?;
    Ok(HttpResponse::Ok().json(CalendarTokensRevokedResponse { revoked }))
}
