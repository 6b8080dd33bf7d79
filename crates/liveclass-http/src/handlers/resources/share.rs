use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{ResourceResponse, ShareResourceBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ShareResourceErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassFinished, NotModerator, ClassNotFound]);

/// Share a resource in the class: a title, an `https` URL and a type
/// (`slides`, `document`, `link`, `video`). Moderators only (the class's
/// creator, a `training_manager` or `org_admin` of the tenant), while the
/// class is scheduled or live. A `resource.shared` event follows.
/// Rate-limited per user (`LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER`).
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = ShareResourceBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Shared", body = ResourceResponse),
        ShareResourceErrors,
    )
)]
#[post("/live-classes/{liveClassId}/resources")]
pub async fn share_resource(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<ShareResourceBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let spec = body.parse()?;
    let resource = state.services.resources.share(&caller, class, spec).await?;
    Ok(HttpResponse::Created().json(ResourceResponse::from(resource)))
}
