use actix_web::{HttpResponse, patch, web};
use liveclass_domain::schedule::Schedules;

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::{ScheduleDetailsResponse, UpdateScheduleBody};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;

/// Change a schedule. Its future classes that have not started and have no
/// participants are moved, changed, created or removed to match; live,
/// ended, cancelled, past and attended classes are never touched.
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = String, Path, description = "The schedule's id (UUID)")),
    request_body = UpdateScheduleBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed, with its upcoming classes", body = ScheduleDetailsResponse),
        (status = 400, description = "Invalid input, or more classes than allowed", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 404, description = "No such schedule in your tenant", body = ErrorBody),
        (status = 502, description = "The video provider failed", body = ErrorBody),
    )
)]
#[patch("/schedules/{scheduleId}")]
pub async fn update_schedule(
    service: web::Data<dyn Schedules>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateScheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let id = schedule_id(&path)?;
    let view = service.update(&caller, id, body.into()).await?;
    Ok(HttpResponse::Ok().json(ScheduleDetailsResponse::new(view, &caller)))
}
