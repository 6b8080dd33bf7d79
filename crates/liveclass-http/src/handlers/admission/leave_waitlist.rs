use actix_web::{HttpResponse, delete, web};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(LeaveWaitlistErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotWaiting]);

/// Leave the class's waitlist (appends `waitlist.left`); those behind move
/// up.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Out of the line"),
        LeaveWaitlistErrors,
    )
)]
#[delete("/live-classes/{liveClassId}/waitlist/me")]
pub async fn leave_waitlist(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .services
        .admissions
        .leave_waitlist(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
