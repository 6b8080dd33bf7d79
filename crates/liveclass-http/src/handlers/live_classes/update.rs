use actix_web::{HttpResponse, patch, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{ClassResponse, UpdateClassBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(UpdateClassErrors: [AUTH, LIMITED, ID, BODY, VIDEO], [ValidationFailed, ClassNotFound, NotClassCreator, ClassFinished, CapacityBelowActive]);

/// Edit a scheduled or live class (its creator only). The video room is
/// updated first; if the provider fails, nothing changes.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = UpdateClassBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ClassResponse),
        UpdateClassErrors,
    )
)]
#[patch("/live-classes/{liveClassId}")]
pub async fn update_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateClassBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let command = body.into_command(&state.services.live_classes.policy())?;
    let (class, counts) = state
        .services
        .live_classes
        .update(&caller, id, command)
        .await?;
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(class, counts, &caller)))
}
