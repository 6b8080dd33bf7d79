use actix_web::{HttpResponse, put, web};

use super::user_id;
use crate::auth::Authenticated;
use crate::dto::CoHostsResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(GrantCoHostErrors: [AUTH, ID, LIMITED], [ValidationFailed, ClassFinished, NotClassHost, ClassNotFound, TooManyCoHosts]);

/// Make a user of the tenant a co-host of the class: the class's host (its
/// creator) or a `training_manager` / `org_admin` only, while the class is
/// scheduled or live. A co-host moderates (chat, questions, polls,
/// participant controls) and gets moderator rights in the room where the
/// provider has them, but may not end or cancel the class nor name
/// co-hosts. Idempotent; a `co_host.granted` event follows a change. The
/// host cannot be a co-host (400); at most 20 co-hosts (409
/// `too_many_co_hosts`).
#[utoipa::path(
    tag = "participant-controls",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("userId" = String, Path, description = "The user", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The host and co-hosts after the change", body = CoHostsResponse),
        GrantCoHostErrors,
    )
)]
#[put("/live-classes/{liveClassId}/co-hosts/{userId}")]
pub async fn grant_co_host(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, user) = (class_id(&path.0)?, user_id(&path.1)?);
    let class = state
        .services
        .controls
        .grant_co_host(&caller, class, user)
        .await?;
    Ok(HttpResponse::Ok().json(CoHostsResponse::from(class)))
}
