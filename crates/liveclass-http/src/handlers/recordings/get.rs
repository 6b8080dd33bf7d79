use actix_web::{HttpResponse, get, web};

use super::recording_id;
use crate::auth::Authenticated;
use liveclass_domain::recording::RecordingStatus;

use crate::dto::{AccessLinkDto, RecordingItem};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetRecordingErrors: [AUTH, ID], [Forbidden, RecordingNotFound]);

/// One recording the caller may watch (403 within the tenant otherwise;
/// 404 for another tenant's or a deleted one). An `external` recording has
/// its class's id. A `ready` recording (or an `external` one) comes with
/// `accessLink` and, for those who may download, `downloadLink`: links
/// signed by LiveClass for this caller, valid 5 minutes, that lead to the
/// file through `GET /recordings/{recordingId}/file`.
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
    let openable = recording.external_url.is_some()
        || (recording.status == RecordingStatus::Ready
            && recording.provider_recording_id.is_some());
    let mut item = RecordingItem::new(recording, access);
    if openable {
        let rid = item.id.clone();
        let url = |token: &str| {
            format!(
                "{}/recordings/{}/file?token={token}",
                state.feeds.public_url.trim_end_matches('/'),
                rid
            )
        };
        let (token, expires_at) = state
            .stream_tokens
            .issue_recording_link(&caller, &rid, false)?;
        let access_link = AccessLinkDto {
            url: url(&token),
            expires_at,
        };
        if access.can_download {
            let (token, _) = state
                .stream_tokens
                .issue_recording_link(&caller, &rid, true)?;
            item.download_link = Some(url(&token));
        }
        item.access_link = Some(access_link);
    }
    Ok(HttpResponse::Ok().json(item))
}
