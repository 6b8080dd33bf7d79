use actix_web::{HttpResponse, delete, web};

use super::user_id;
use crate::auth::Authenticated;
use crate::dto::CoHostsResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RevokeCoHostErrors: [AUTH, ID, LIMITED], [ValidationFailed, ClassFinished, NotClassHost, ClassNotFound]);

/// Take a user's co-host role back: the class's host or a
/// `training_manager` / `org_admin` only, while the class is scheduled or
/// live. Idempotent (revoking a user who is no co-host changes nothing); a
/// `co_host.revoked` event follows a change. Their next join credentials
/// carry no moderator rights.
#[utoipa::path(
    tag = "participant-controls",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("userId" = String, Path, description = "The user", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The host and co-hosts after the change", body = CoHostsResponse),
        RevokeCoHostErrors,
    )
)]
#[delete("/live-classes/{liveClassId}/co-hosts/{userId}")]
pub async fn revoke_co_host(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, user) = (class_id(&path.0)?, user_id(&path.1)?);
    let class = state
        .services
        .controls
        .revoke_co_host(&caller, class, user)
        .await?;
    Ok(HttpResponse::Ok().json(CoHostsResponse::from(class)))
}
