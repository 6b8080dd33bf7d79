use actix_web::{HttpResponse, get, web};
use liveclass_domain::schedule::Schedules;

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::ScheduleDetailsResponse;
use crate::error::{ApiError, ErrorBody};

/// One schedule with its upcoming classes (not ended or cancelled, soonest
/// first, at most 50).
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = String, Path, description = "The schedule's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedule", body = ScheduleDetailsResponse),
        (status = 400, description = "scheduleId is not a UUID", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 404, description = "No such schedule in your tenant", body = ErrorBody),
    )
)]
#[get("/schedules/{scheduleId}")]
pub async fn get_schedule(
    service: web::Data<dyn Schedules>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = service.get(&caller, schedule_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(ScheduleDetailsResponse::new(view, &caller)))
}
