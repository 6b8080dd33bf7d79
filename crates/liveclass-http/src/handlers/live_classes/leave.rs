use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::LeaveResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(LeaveClassErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotParticipating]);

/// Leave a class you are in; your seat is freed. You may join again while the
/// class is live.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Left the class", body = LeaveResponse),
        LeaveClassErrors,
    )
)]
#[post("/live-classes/{liveClassId}/leave")]
pub async fn leave_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let participation = state
        .services
        .live_classes
        .leave(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(LeaveResponse::from(participation)))
}
