use actix_web::{HttpResponse, get, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::ParticipantsResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListParticipantsErrors: [AUTH, ID], [ClassNotFound]);

/// Who is in the class right now, and how full it is.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The active participants", body = ParticipantsResponse),
        ListParticipantsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .services
        .live_classes
        .participants(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(ParticipantsResponse::from(view)))
}
