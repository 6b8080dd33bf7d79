use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::JoinRequestResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RequestToJoinErrors: [AUTH, LIMITED, ID], [ClassNotFound, ApprovalNotRequired, ClassOver, RemovedFromClass]);

/// Ask to join a class whose admission policy is `approval` (seed 004),
/// before it starts or while it is live. The class's creator, co-hosts and
/// managers approve or reject; only approved users may join. Asking again
/// returns the same request as it stands (200); a rejected user cannot ask
/// again.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Asked", body = JoinRequestResponse),
        (status = 200, description = "Asked before: the request as it stands", body = JoinRequestResponse),
        RequestToJoinErrors,
    )
)]
#[post("/live-classes/{liveClassId}/requests")]
pub async fn request_to_join(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (request, created) = state
        .services
        .admissions
        .request_to_join(&caller, class_id(&path)?)
        .await?;
    let body = JoinRequestResponse::from(request);
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}
