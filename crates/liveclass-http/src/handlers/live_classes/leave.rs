use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::LeaveResponse;
use crate::error::{ApiError, ErrorBody};

/// Leave a class you are in; your seat is freed. You may join again while the
/// class is live.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Left the class", body = LeaveResponse),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 404, description = "No such class in your tenant, or you are not in it (`code` tells which)", body = ErrorBody),
    )
)]
#[post("/live-classes/{liveClassId}/leave")]
pub async fn leave_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let participation = service.leave(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(LeaveResponse::from(participation)))
}
