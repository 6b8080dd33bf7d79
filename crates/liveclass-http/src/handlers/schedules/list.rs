use actix_web::{HttpResponse, get, web};
use liveclass_domain::schedule::Schedules;

use crate::auth::Authenticated;
use crate::dto::{ListSchedulesQuery, ScheduleListResponse};
use crate::error::{ApiError, ErrorBody};

/// List your tenant's schedules, oldest first (training managers and org
/// admins).
#[utoipa::path(
    tag = "schedules",
    params(ListSchedulesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedules", body = ScheduleListResponse),
        (status = 400, description = "Invalid courseId", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin", body = ErrorBody),
    )
)]
#[get("/schedules")]
pub async fn list_schedules(
    service: web::Data<dyn Schedules>,
    Authenticated(caller): Authenticated,
    query: web::Query<ListSchedulesQuery>,
) -> Result<HttpResponse, ApiError> {
    let course = query.into_inner().course()?;
    let schedules = service.list(&caller, course).await?;
    Ok(HttpResponse::Ok().json(ScheduleListResponse {
        schedules: schedules.into_iter().map(Into::into).collect(),
    }))
}
