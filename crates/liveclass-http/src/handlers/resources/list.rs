use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::ResourceListResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListResourcesErrors: [AUTH, ID], [NotAdmitted, ClassNotFound]);

/// The class's shared resources, oldest first (removed ones left out).
/// Readable during and after the class by its moderators (its creator, the
/// tenant's managers) and by anyone who is or was in it.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The resources", body = ResourceListResponse),
        ListResourcesErrors,
    )
)]
#[get("/live-classes/{liveClassId}/resources")]
pub async fn list_resources(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let resources = state
        .services
        .resources
        .list(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(ResourceListResponse {
        data: resources.into_iter().map(Into::into).collect(),
    }))
}
