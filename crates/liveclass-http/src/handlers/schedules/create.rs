use actix_web::{HttpResponse, post, web};
use liveclass_domain::schedule::Schedules;

use crate::auth::Authenticated;
use crate::dto::{CreateScheduleBody, ScheduleDetailsResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;

/// Create a recurring schedule (training managers and org admins) and
/// generate its future classes in the same request.
#[utoipa::path(
    tag = "schedules",
    request_body = CreateScheduleBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its upcoming classes", body = ScheduleDetailsResponse),
        (status = 400, description = "Invalid input (the message names the field), or more classes than allowed (`too_many_occurrences`)", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 502, description = "The video provider failed", body = ErrorBody),
    )
)]
#[post("/schedules")]
pub async fn create_schedule(
    service: web::Data<dyn Schedules>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateScheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let spec = body.into_spec(&caller.user_id, &service.policy())?;
    let view = service.create(&caller, spec).await?;
    Ok(HttpResponse::Created().json(ScheduleDetailsResponse::new(view, &caller)))
}
