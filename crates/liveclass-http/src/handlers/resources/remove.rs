use actix_web::{HttpResponse, delete, web};
use liveclass_domain::ids::ResourceId;

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RemoveResourceErrors: [AUTH, ID, LIMITED], [NotModerator, ClassNotFound, ResourceNotFound]);

/// Remove a shared resource: moderators only, at any time. It is no
/// longer listed; a `resource.removed` event follows.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("resourceId" = uuid::Uuid, Path, description = "The resource's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        RemoveResourceErrors,
    )
)]
#[delete("/live-classes/{liveClassId}/resources/{resourceId}")]
pub async fn remove_resource(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path.0)?;
    let resource = uuid::Uuid::try_parse(&path.1)
        .map(ResourceId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("resourceId must be a UUID (got `{}`)", path.1),
            )
        })?;
    state
        .services
        .resources
        .remove(&caller, class, resource)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
