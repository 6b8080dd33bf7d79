use actix_web::{HttpResponse, post, web};

use super::recording_id;
use crate::auth::Authenticated;
use crate::dto::RecordingItem;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(StopRecordingErrors: [AUTH, LIMITED, ID, VIDEO], [NotClassCreator, ClassNotFound, RecordingNotFound, RecordingNotRunning]);

/// Stop a running recording (the class's creator only). The class is **not**
/// ended: a class may be recorded several times (seed 003), so seed 002's
/// "stopping ends the session" does not apply. The recording becomes
/// `processing` until the provider's files are ready. Appends
/// `recording.stopped`.
#[utoipa::path(
    tag = "recordings",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("recordingId" = uuid::Uuid, Path, description = "The recording's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stopped", body = RecordingItem),
        StopRecordingErrors,
    )
)]
#[post("/live-classes/{liveClassId}/recordings/{recordingId}/stop")]
pub async fn stop_recording(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, recording) = path.into_inner();
    let (class, recording) = (class_id(&class)?, recording_id(&recording)?);
    let stopped = state
        .services
        .recordings
        .stop(&caller, class, recording)
        .await?;
    let access = liveclass_domain::recording::Access {
        can_access: true,
        can_download: true,
        can_manage: true,
    };
    Ok(HttpResponse::Ok().json(RecordingItem::new(stopped, access)))
}
