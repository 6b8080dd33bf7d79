use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::StartedResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(StartClassErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotClassCreator, InvalidStatusTransition]);

/// Start a scheduled class (its creator only).
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class is live", body = StartedResponse),
        StartClassErrors,
    )
)]
#[post("/live-classes/{liveClassId}/start")]
pub async fn start_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = state
        .services
        .live_classes
        .start(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(StartedResponse {
        id: class.id.to_string(),
        status: class.status.into(),
        started_at: class.started_at,
        message: "Live class started successfully",
    }))
}
