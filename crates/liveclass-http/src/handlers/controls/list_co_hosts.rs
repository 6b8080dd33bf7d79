use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::CoHostsResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListCoHostsErrors: [AUTH, ID], [ClassNotFound]);

/// The class's host (its creator) and co-hosts, for any user of its tenant.
#[utoipa::path(
    tag = "participant-controls",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The host and co-hosts", body = CoHostsResponse),
        ListCoHostsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/co-hosts")]
pub async fn list_co_hosts(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = state
        .services
        .controls
        .co_hosts(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(CoHostsResponse::from(class)))
}
