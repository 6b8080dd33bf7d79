use actix_web::{HttpResponse, patch, web};

use super::user_id;
use crate::auth::Authenticated;
use crate::dto::{ControlsPatchBody, ParticipantControlsResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(UpdateParticipantErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, NotModerator, ClassNotFound, ParticipantNotActive, ClassNotInSession]);

/// Set a participant's `micAllowed` / `cameraAllowed`, or lower their hand
/// (`handRaised: false`): moderators only (the class's host, its co-hosts,
/// a `training_manager` or `org_admin`), while the class is live and the
/// user is in it. A `participant.updated` event follows a permission
/// change, `hand.lowered` a lowered hand; a change that changes nothing
/// adds none. The participant's next join credentials follow the
/// permissions (a muted participant's Daily token starts muted; Jitsi
/// starts with the microphone or camera off).
#[utoipa::path(
    tag = "participant-controls",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("userId" = String, Path, description = "The participant", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    request_body = ControlsPatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The participant's controls after the change", body = ParticipantControlsResponse),
        UpdateParticipantErrors,
    )
)]
#[patch("/live-classes/{liveClassId}/participants/{userId}")]
pub async fn update_participant(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
    JsonBody(body): JsonBody<ControlsPatchBody>,
) -> Result<HttpResponse, ApiError> {
    let (class, user) = (class_id(&path.0)?, user_id(&path.1)?);
    let patch = body.patch()?;
    let state = state
        .services
        .controls
        .update_participant(&caller, class, user, patch)
        .await?;
    Ok(HttpResponse::Ok().json(ParticipantControlsResponse::from(state)))
}
