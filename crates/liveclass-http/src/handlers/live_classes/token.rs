use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::TokenResponse;
use crate::error::{ApiError, ErrorBody};

/// New credentials for the video room, for a caller who is in the live
/// class now (join first). Meeting tokens expire; the seat does not.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "New credentials", body = TokenResponse),
        (status = 400, description = "The class is not live", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "You are not in this class: join it first", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
        (status = 502, description = "The video provider failed to issue credentials", body = ErrorBody),
    )
)]
#[post("/live-classes/{liveClassId}/token")]
pub async fn issue_token(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (class, participation, credentials) =
        service.issue_token(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        live_class_id: class.id.to_string(),
        role: participation.role.into(),
        join_url: credentials.url,
        token: credentials.token,
        token_expires_at: credentials.expires_at,
    }))
}
