use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{JoinRequestList, ListRequestsQuery};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListRequestsErrors: [AUTH, ID, QUERY], [ClassNotFound, NotModerator]);

/// The class's requests to join, oldest first (its creator, co-hosts and
/// the tenant's managers).
#[utoipa::path(
    tag = "admission",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ListRequestsQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The requests", body = JoinRequestList),
        ListRequestsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/requests")]
pub async fn list_requests(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<ListRequestsQuery>,
) -> Result<HttpResponse, ApiError> {
    let requests = state
        .services
        .admissions
        .list_requests(&caller, class_id(&path)?, query.status.map(Into::into))
        .await?;
    Ok(HttpResponse::Ok().json(JoinRequestList {
        requests: requests.into_iter().map(Into::into).collect(),
    }))
}
