use actix_web::{HttpResponse, delete, web};

use super::message_id;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(DeleteMessageErrors: [AUTH, ID, LIMITED], [NotMessageAuthor, ClassNotFound, MessageNotFound]);

/// Delete a chat message: its author, or a moderator of the class (its
/// creator, its co-hosts, a `training_manager` or `org_admin` of the tenant). Its text is
/// erased; a `message.deleted` event goes to the class's stream and
/// webhooks.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("messageId" = uuid::Uuid, Path, description = "The message's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        DeleteMessageErrors,
    )
)]
#[delete("/live-classes/{liveClassId}/messages/{messageId}")]
pub async fn delete_message(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, message) = (class_id(&path.0)?, message_id("messageId", &path.1)?);
    state
        .services
        .interactions
        .delete_message(&caller, class, message)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
