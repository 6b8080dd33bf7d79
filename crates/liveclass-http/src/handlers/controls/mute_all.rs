use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{MuteAllBody, MuteAllResponse, ParticipantControlsResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(MuteAllErrors: [AUTH, ID, BODY, LIMITED], [NotModerator, ClassNotFound, ClassNotInSession]);

/// "Mute all": forbid the microphone (and the camera with `camera: true`)
/// of every participant in the class but its host and co-hosts, in one
/// step: moderators only, while the class is live. One
/// `participant.updated` event per participant changed; those already
/// muted are left as they are.
#[utoipa::path(
    tag = "participant-controls",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = MuteAllBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The participants changed", body = MuteAllResponse),
        MuteAllErrors,
    )
)]
#[post("/live-classes/{liveClassId}/participants/mute-all")]
pub async fn mute_all(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<MuteAllBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let muted = state
        .services
        .controls
        .mute_all(&caller, class, body.camera)
        .await?;
    Ok(HttpResponse::Ok().json(MuteAllResponse {
        live_class_id: class.to_string(),
        muted_count: u32::try_from(muted.len()).unwrap_or(u32::MAX),
        participants: muted
            .into_iter()
            .map(ParticipantControlsResponse::from)
            .collect(),
    }))
}
