use actix_web::{HttpResponse, delete, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::ClassResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(CancelClassErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotClassCreator, InvalidStatusTransition]);

/// Cancel a scheduled class (its creator only) and delete its video room.
/// The class stays readable with status `cancelled`. A provider failure
/// does not stop the cancellation: the room's deletion is retried later.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = ClassResponse),
        CancelClassErrors,
    )
)]
#[delete("/live-classes/{liveClassId}")]
pub async fn cancel_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = state
        .services
        .live_classes
        .cancel(&caller, class_id(&path)?)
        .await?;
    // A cancelled class was never live: nobody has joined it.
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(
        class,
        liveclass_domain::class::ClassCounts::default(),
        &caller,
    )))
}
