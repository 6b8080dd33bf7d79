use actix_web::{HttpResponse, delete, web};
use liveclass_domain::schedule::Schedules;

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::ScheduleDeletedResponse;
use crate::error::{ApiError, ErrorBody};

/// Delete a schedule and its future classes that have not started and have
/// no participants. Every other class stays.
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = String, Path, description = "The schedule's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deleted", body = ScheduleDeletedResponse),
        (status = 400, description = "scheduleId is not a UUID", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 404, description = "No such schedule in your tenant", body = ErrorBody),
    )
)]
#[delete("/schedules/{scheduleId}")]
pub async fn delete_schedule(
    service: web::Data<dyn Schedules>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = schedule_id(&path)?;
    let report = service.delete(&caller, id).await?;
    Ok(HttpResponse::Ok().json(ScheduleDeletedResponse {
        id: id.to_string(),
        removed_classes: report.removed,
        message: "Schedule deleted",
    }))
}
