use actix_web::{HttpResponse, get, web};

use super::schedule_id;
use crate::auth::Authenticated;
use crate::dto::ScheduleDetailsResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetScheduleErrors: [AUTH, ID], [Forbidden, ScheduleNotFound]);

/// One schedule with its upcoming classes (not ended or cancelled, soonest
/// first, at most 50).
#[utoipa::path(
    tag = "schedules",
    params(("scheduleId" = uuid::Uuid, Path, description = "The schedule's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedule", body = ScheduleDetailsResponse),
        GetScheduleErrors,
    )
)]
#[get("/schedules/{scheduleId}")]
pub async fn get_schedule(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .services
        .schedules
        .get(&caller, schedule_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(ScheduleDetailsResponse::new(view, &caller)))
}
