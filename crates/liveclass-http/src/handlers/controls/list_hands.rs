use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{HandsResponse, ParticipantControlsResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListHandsErrors: [AUTH, ID], [NotAdmitted, ClassNotFound]);

/// The raised hands, in order of raising (first raised first): for the
/// class's moderators and the participants in it now (others 403
/// `not_admitted`).
#[utoipa::path(
    tag = "participant-controls",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The raised hands", body = HandsResponse),
        ListHandsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/hands")]
pub async fn list_hands(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let hands = state.services.controls.hands(&caller, class).await?;
    Ok(HttpResponse::Ok().json(HandsResponse {
        live_class_id: class.to_string(),
        hands: hands
            .into_iter()
            .map(ParticipantControlsResponse::from)
            .collect(),
    }))
}
