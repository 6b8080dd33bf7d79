use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::WaitlistResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListWaitlistErrors: [AUTH, ID], [ClassNotFound, NotModerator]);

/// The class's waitlist, first in line first (its creator, co-hosts and
/// the tenant's managers).
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The users waiting", body = WaitlistResponse),
        ListWaitlistErrors,
    )
)]
#[get("/live-classes/{liveClassId}/waitlist")]
pub async fn list_waitlist(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entries = state
        .services
        .admissions
        .waitlist(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(WaitlistResponse {
        entries: entries.into_iter().map(Into::into).collect(),
    }))
}
