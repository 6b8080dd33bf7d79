use actix_web::{HttpResponse, delete, web};

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::ScheduleDeletedResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(DeleteScheduleErrors: [AUTH, LIMITED, ID], [Forbidden, ScheduleNotFound]);

/// Delete a schedule and its future classes that have not started and have
/// no participants. Every other class stays.
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = uuid::Uuid, Path, description = "The schedule's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deleted", body = ScheduleDeletedResponse),
        DeleteScheduleErrors,
    )
)]
#[delete("/schedules/{scheduleId}")]
pub async fn delete_schedule(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = schedule_id(&path)?;
    let report = state.services.schedules.delete(&caller, id).await?;
    Ok(HttpResponse::Ok().json(ScheduleDeletedResponse {
        id: id.to_string(),
        removed_classes: report.removed,
        message: "Schedule deleted",
    }))
}
