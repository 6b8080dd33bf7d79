use actix_web::{HttpResponse, get, web};

use super::recording_id;
use crate::auth::Authenticated;
use crate::dto::RecordingItem;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetRecordingErrors: [AUTH, ID], [Forbidden, RecordingNotFound]);

/// One recording the caller may watch (403 within the tenant otherwise;
/// 404 for another tenant's or a deleted one). An `external` recording has
/// its class's id.
#[utoipa::path(
    tag = "recordings",
    params(("recordingId" = uuid::Uuid, Path, description = "The recording's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recording", body = RecordingItem),
        GetRecordingErrors,
    )
)]
#[get("/recordings/{recordingId}")]
pub async fn get_recording(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = recording_id(&path)?;
    let (recording, access) = state.services.recordings.get(&caller, id).await?;
    Ok(HttpResponse::Ok().json(RecordingItem::new(recording, access)))
}
