use actix_web::{HttpResponse, delete, web};

use crate::auth::Authenticated;
use crate::dto::ParticipantControlsResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(LowerHandErrors: [AUTH, ID, LIMITED], [ClassNotFound, ParticipantNotActive, ClassNotInSession]);

/// Lower your own hand. Idempotent; a `hand.lowered` event follows when it
/// was raised. (A moderator lowers someone else's with `PATCH
/// …/participants/{userId}` and `handRaised: false`.)
#[utoipa::path(
    tag = "participant-controls",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your controls, hand down", body = ParticipantControlsResponse),
        LowerHandErrors,
    )
)]
#[delete("/live-classes/{liveClassId}/hand")]
pub async fn lower_hand(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let state = state
        .services
        .controls
        .move_hand(&caller, class_id(&path)?, false)
        .await?;
    Ok(HttpResponse::Ok().json(ParticipantControlsResponse::from(state)))
}
