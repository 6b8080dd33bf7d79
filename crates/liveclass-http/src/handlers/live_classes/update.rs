use actix_web::{HttpResponse, patch, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{ClassResponse, UpdateClassBody};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;

/// Edit a scheduled or live class (its creator only). The video room is
/// updated first; if the provider fails, nothing changes.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    request_body = UpdateClassBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ClassResponse),
        (status = 400, description = "Invalid input, or the class has ended or was cancelled", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Only the creator can update the class", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
        (status = 409, description = "maxParticipants is below the participants in the class now", body = ErrorBody),
        (status = 502, description = "The video provider failed; nothing changed", body = ErrorBody),
    )
)]
#[patch("/live-classes/{liveClassId}")]
pub async fn update_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateClassBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let command = body.into_command(&service.policy())?;
    let (class, counts) = service.update(&caller, id, command).await?;
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(class, counts, &caller)))
}
