use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use super::recording_id;
use crate::dto::RecordingFileQuery;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(OpenRecordingErrors: [ID, QUERY, VIDEO], [InvalidToken, TokenExpired, Forbidden, RecordingNotFound, RecordingNotReady, RecordingNotEnabled]);

/// Follow a recording link from `accessLink` or `downloadLink`: no bearer
/// token, the link's own token (short-lived, signed by LiveClass, for one
/// caller and one recording) says who follows it. The caller's access is
/// checked again, then the answer is a 302 to a link the provider issues at
/// this moment (Daily's access link), or to the class's URL for an
/// `external` recording. Nothing long-lived is stored or handed out. An
/// expired link is 401 `token_expired`.
#[utoipa::path(
    tag = "recordings",
    params(
        ("recordingId" = uuid::Uuid, Path, description = "The recording's id (UUID)"),
        RecordingFileQuery,
    ),
    security(("recordingLink" = [])),
    responses(
        (status = 302, description = "To the file, at the provider (`Location`)"),
        OpenRecordingErrors,
    )
)]
#[get("/recordings/{recordingId}/file")]
pub async fn open_recording(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RecordingFileQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = recording_id(&path)?;
    let (caller, download) = state
        .stream_tokens
        .verify_recording_link(&query.token, &id.to_string())?;
    let link = state
        .services
        .recordings
        .open(&caller, id, download)
        .await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, link.url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .finish())
}
