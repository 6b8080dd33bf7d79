use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::ParticipantControlsResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RaiseHandErrors: [AUTH, ID, LIMITED], [ClassNotFound, ParticipantNotActive, ClassNotInSession]);

/// Raise your own hand in a live class you are in. Idempotent: a raised
/// hand keeps its first time, so its place in `GET …/hands`. A
/// `hand.raised` event follows.
#[utoipa::path(
    tag = "participant-controls",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your controls, hand raised", body = ParticipantControlsResponse),
        RaiseHandErrors,
    )
)]
#[post("/live-classes/{liveClassId}/hand")]
pub async fn raise_hand(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let state = state
        .services
        .controls
        .move_hand(&caller, class_id(&path)?, true)
        .await?;
    Ok(HttpResponse::Ok().json(ParticipantControlsResponse::from(state)))
}
