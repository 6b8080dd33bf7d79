use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{RecordingBody, RecordingResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;

/// Set the recording URL of an ended class (training managers and org
/// admins). Once set, it never changes.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    request_body = RecordingBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recording set", body = RecordingResponse),
        (status = 400, description = "Invalid URL, or the class has not ended", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
        (status = 409, description = "A recording URL is already set", body = ErrorBody),
    )
)]
#[post("/live-classes/{liveClassId}/recording")]
pub async fn set_recording(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<RecordingBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let class = service.set_recording(&caller, id, body.try_into()?).await?;
    Ok(HttpResponse::Ok().json(RecordingResponse {
        id: class.id.to_string(),
        recording_url: class
            .recording_url
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        message: "Recording URL updated successfully",
    }))
}
