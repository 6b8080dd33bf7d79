use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::RecordingItem;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(StartRecordingErrors: [AUTH, LIMITED, ID, VIDEO], [NotClassCreator, ClassNotFound, RecordingNotEnabled, ClassFinished, RecordingAlreadyRunning]);

/// Start recording a class (its creator only), where the class's video
/// provider can record (`recording_not_enabled` otherwise). Starting on a
/// scheduled class starts the class first (seed 002). One recording runs at
/// a time per class (`recording_already_running`); a class may have several
/// one after the other. The recording is `starting` until the provider
/// confirms it. Appends `recording.started` (and `class.started` when it
/// started the class).
#[utoipa::path(
    tag = "recordings",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recording asked of the provider", body = RecordingItem),
        StartRecordingErrors,
    )
)]
#[post("/live-classes/{liveClassId}/recordings")]
pub async fn start_recording(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let recording = state.services.recordings.start(&caller, id).await?;
    let access = liveclass_domain::recording::Access {
        can_access: true,
        can_download: true,
        can_manage: true,
    };
    Ok(HttpResponse::Created().json(RecordingItem::new(recording, access)))
}
