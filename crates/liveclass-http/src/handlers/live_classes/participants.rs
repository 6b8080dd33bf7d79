use actix_web::{HttpResponse, get, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::ParticipantsResponse;
use crate::error::{ApiError, ErrorBody};

/// Who is in the class right now, and how full it is.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The active participants", body = ParticipantsResponse),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[get("/live-classes/{liveClassId}/participants")]
pub async fn list_participants(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = service.participants(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(ParticipantsResponse::from(view)))
}
