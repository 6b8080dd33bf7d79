use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{RecordingBody, RecordingResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(SetRecordingErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, Forbidden, ClassNotFound, ClassNotEnded, RecordingAlreadySet]);

/// Set the recording URL of an ended class (training managers and org
/// admins). Once set, it never changes.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = RecordingBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recording set", body = RecordingResponse),
        SetRecordingErrors,
    )
)]
#[post("/live-classes/{liveClassId}/recording")]
pub async fn set_recording(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<RecordingBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let class = state
        .services
        .live_classes
        .set_recording(&caller, id, body.try_into()?)
        .await?;
    Ok(HttpResponse::Ok().json(RecordingResponse {
        id: class.id.to_string(),
        recording_url: class
            .recording_url
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        message: "Recording URL updated successfully",
    }))
}
