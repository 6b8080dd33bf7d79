use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::StartedResponse;
use crate::error::{ApiError, ErrorBody};

/// Start a scheduled class (its creator only).
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class is live", body = StartedResponse),
        (status = 400, description = "The class is not scheduled", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Only the creator can start the class", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[post("/live-classes/{liveClassId}/start")]
pub async fn start_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = service.start(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(StartedResponse {
        id: class.id.to_string(),
        status: class.status.into(),
        started_at: class.started_at,
        message: "Live class started successfully",
    }))
}
