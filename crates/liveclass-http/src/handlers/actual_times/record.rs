use actix_web::{HttpResponse, put, web};
use liveclass_domain::LiveClasses;
use liveclass_domain::actual_times::{ActualTime, ActualTimes};

use crate::auth::Authenticated;
use crate::dto::{ActualTimesBody, ClassResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;

/// Record a class's actual start or end (training managers and org admins),
/// one field per request, with the seed's rules: `startedAt` once and within
/// 2 minutes of now (the class goes live); `endedAt` after `startedAt`, at
/// least the minimum class length (default 30 minutes) after it, at most 24
/// hours ago and not in the future (the class ends and every open
/// participation closes at that instant, as `POST …/end` does).
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    request_body = ActualTimesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = ClassResponse),
        (status = 400, description = "A rule was broken; `code` is one of started_at_already_set, started_at_not_now, started_at_not_set, ended_at_already_set, ended_at_before_started_at, ended_at_too_soon, ended_at_too_old, ended_at_in_future, class_cancelled, one_field_at_a_time, validation_failed", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[put("/live-classes/{liveClassId}/actual-times")]
pub async fn record_actual_time(
    service: web::Data<dyn ActualTimes>,
    classes: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<ActualTimesBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let time = match (body.started_at, body.ended_at) {
        (Some(at), None) => ActualTime::StartedAt(at),
        (None, Some(at)) => ActualTime::EndedAt(at),
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "one_field_at_a_time",
                "Set either startedAt or endedAt, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "validation_failed",
                "startedAt or endedAt is required",
            ));
        }
    };
    let class = service.record(&caller, id, time).await?;
    // Read back with its participations, for true counts (a recorded end has
    // just closed them).
    let details = classes.get(&caller, class.id).await?;
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(
        details.class,
        details.counts,
        &caller,
    )))
}
