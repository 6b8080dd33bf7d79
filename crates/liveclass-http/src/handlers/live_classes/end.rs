use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::EndedResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(EndClassErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotClassCreator, InvalidStatusTransition]);

/// End a live class (its creator only). Everyone still in it is marked as
/// having left at the same instant.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class has ended", body = EndedResponse),
        EndClassErrors,
    )
)]
#[post("/live-classes/{liveClassId}/end")]
pub async fn end_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = state
        .services
        .live_classes
        .end(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(EndedResponse {
        id: class.id.to_string(),
        status: class.status.into(),
        ended_at: class.ended_at,
        message: "Live class ended successfully",
    }))
}
