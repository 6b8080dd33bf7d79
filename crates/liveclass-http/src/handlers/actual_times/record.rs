use actix_web::{HttpResponse, put, web};
use liveclass_domain::actual_times::ActualTime;
use liveclass_domain::instant;
use liveclass_domain::validation::Field;

use crate::auth::Authenticated;
use crate::dto::{ActualTimesBody, ClassResponse};
use crate::error::{ApiError, ErrorCode};
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RecordActualTimeErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, OneFieldAtATime, StartedAtAlreadySet, StartedAtNotNow, StartedAtNotSet, EndedAtAlreadySet, EndedAtBeforeStartedAt, EndedAtTooSoon, EndedAtTooOld, EndedAtInFuture, ClassCancelled = BAD_REQUEST, Forbidden, ClassNotFound]);

/// Record a class's actual start or end (training managers and org admins),
/// one field per request, with the seed's rules: `startedAt` once and within
/// 2 minutes of now (the class goes live); `endedAt` after `startedAt`, at
/// least the minimum class length (default 30 minutes) after it, at most 24
/// hours ago and not in the future (the class ends and every open
/// participation closes at that instant, as `POST …/end` does).
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = ActualTimesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = ClassResponse),
        RecordActualTimeErrors,
    )
)]
#[put("/live-classes/{liveClassId}/actual-times")]
pub async fn record_actual_time(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<ActualTimesBody>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let time = match (body.started_at, body.ended_at) {
        (Some(at), None) => ActualTime::StartedAt(instant::parse(Field::StartedAt, at)?),
        (None, Some(at)) => ActualTime::EndedAt(instant::parse(Field::EndedAt, at)?),
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorCode::OneFieldAtATime,
                "Set either startedAt or endedAt, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::new(
                ErrorCode::ValidationFailed,
                "startedAt or endedAt is required",
            ));
        }
    };
    let class = state
        .services
        .actual_times
        .record(&caller, id, time)
        .await?;
    // Read back with its participations, for true counts (a recorded end has
    // just closed them).
    let details = state.services.live_classes.get(&caller, class.id).await?;
    Ok(HttpResponse::Ok().json(ClassResponse::for_viewer(
        details.class,
        details.counts,
        &caller,
    )))
}
