use actix_web::{HttpResponse, put, web};

use super::recording_id;
use crate::auth::Authenticated;
use crate::dto::{RecordingAccessBody, RecordingItem};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(SetRecordingAccessErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, Forbidden, RecordingNotFound, RecordingExternal]);

/// Replace who may see a recording (the class's creator and organisation
/// admins): a visibility (`private`, `participants`, `tenant`, `public`;
/// new recordings are `participants`) and grants to named users (`view` or
/// `download`, with an optional expiry in the future; at most 100, one per
/// user). Only a `download` grant lets someone other than the creator or an
/// organisation admin download. An `external` recording cannot be changed.
#[utoipa::path(
    tag = "recordings",
    params(("recordingId" = uuid::Uuid, Path, description = "The recording's id (UUID)")),
    request_body = RecordingAccessBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recording with its new access", body = RecordingItem),
        SetRecordingAccessErrors,
    )
)]
#[put("/recordings/{recordingId}/access")]
pub async fn set_recording_access(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<RecordingAccessBody>,
) -> Result<HttpResponse, ApiError> {
    let id = recording_id(&path)?;
    let (recording, access) = state
        .services
        .recordings
        .set_access(&caller, id, body.try_into()?)
        .await?;
    Ok(HttpResponse::Ok().json(RecordingItem::new(recording, access)))
}
