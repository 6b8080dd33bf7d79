use actix_web::{HttpResponse, delete, web};

use super::recording_id;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(DeleteRecordingErrors: [AUTH, LIMITED, ID], [Forbidden, RecordingNotFound, RecordingExternal]);

/// Delete a recording (the class's creator and organisation admins): it is
/// gone here at once (`recording.deleted`), and deleted at the provider
/// too; a provider failure is retried in the background with the other
/// provider clean-ups. An `external` recording cannot be deleted here.
#[utoipa::path(
    tag = "recordings",
    params(("recordingId" = uuid::Uuid, Path, description = "The recording's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        DeleteRecordingErrors,
    )
)]
#[delete("/recordings/{recordingId}")]
pub async fn delete_recording(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = recording_id(&path)?;
    state.services.recordings.delete(&caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
