use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{RecordingItem, RecordingListResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListRecordingsErrors: [AUTH, ID], [ClassNotFound]);

/// The class's recordings, oldest first, deleted ones left out; the class's
/// seed-000 `recordingUrl`, if set, comes first as an `external` recording.
/// Each says whether the caller may watch (`canAccess`) and download
/// (`canDownload`) it: the class's creator and organisation admins always
/// may; others as the recording's visibility and grants say.
#[utoipa::path(
    tag = "recordings",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recordings", body = RecordingListResponse),
        ListRecordingsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/recordings")]
pub async fn list_recordings(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let recordings = state.services.recordings.list(&caller, id).await?;
    Ok(HttpResponse::Ok().json(RecordingListResponse {
        recordings: recordings
            .into_iter()
            .map(|(r, a)| RecordingItem::new(r, a))
            .collect(),
    }))
}
