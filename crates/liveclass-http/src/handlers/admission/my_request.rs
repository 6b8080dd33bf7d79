use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::JoinRequestResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(MyRequestErrors: [AUTH, ID], [ClassNotFound, JoinRequestNotFound]);

/// The caller's own request to join the class, as it stands.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's request", body = JoinRequestResponse),
        MyRequestErrors,
    )
)]
#[get("/live-classes/{liveClassId}/requests/me")]
pub async fn my_request(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = state
        .services
        .admissions
        .my_request(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(JoinRequestResponse::from(request)))
}
