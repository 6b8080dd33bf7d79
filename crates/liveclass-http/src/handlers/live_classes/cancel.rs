use actix_web::{HttpResponse, delete, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::ClassResponse;
use crate::error::{ApiError, ErrorBody};

/// Cancel a scheduled class (its creator only) and delete its video room.
/// The class stays readable with status `cancelled`. A provider failure
/// does not stop the cancellation: the room's deletion is retried later.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = ClassResponse),
        (status = 400, description = "The class is not scheduled", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Only the creator can cancel the class", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[delete("/live-classes/{liveClassId}")]
pub async fn cancel_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = service.cancel(&caller, class_id(&path)?).await?;
    // A cancelled class was never live: nobody has joined it.
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(
        class,
        liveclass_domain::class::ClassCounts::default(),
        &caller,
    )))
}
