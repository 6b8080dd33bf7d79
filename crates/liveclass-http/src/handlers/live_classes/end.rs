use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::EndedResponse;
use crate::error::{ApiError, ErrorBody};

/// End a live class (its creator only). Everyone still in it is marked as
/// having left at the same instant.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class has ended", body = EndedResponse),
        (status = 400, description = "The class is not live", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Only the creator can end the class", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[post("/live-classes/{liveClassId}/end")]
pub async fn end_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = service.end(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(EndedResponse {
        id: class.id.to_string(),
        status: class.status.into(),
        ended_at: class.ended_at,
        message: "Live class ended successfully",
    }))
}
