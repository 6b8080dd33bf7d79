use actix_web::{HttpResponse, patch, web};

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::{ScheduleDetailsResponse, UpdateScheduleBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(UpdateScheduleErrors: [AUTH, LIMITED, ID, BODY, VIDEO], [ValidationFailed, Forbidden, ScheduleNotFound, TooManyOccurrences]);

/// Change a schedule. Its future classes that have not started and have no
/// participants are moved, changed, created or removed to match; live,
/// ended, cancelled, past and attended classes are never touched.
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = uuid::Uuid, Path, description = "The schedule's id (UUID)")),
    request_body = UpdateScheduleBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed, with its upcoming classes", body = ScheduleDetailsResponse),
        UpdateScheduleErrors,
    )
)]
#[patch("/schedules/{scheduleId}")]
pub async fn update_schedule(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateScheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let id = schedule_id(&path)?;
    let view = state
        .services
        .schedules
        .update(&caller, id, body.into())
        .await?;
    Ok(HttpResponse::Ok().json(ScheduleDetailsResponse::new(view, &caller)))
}
