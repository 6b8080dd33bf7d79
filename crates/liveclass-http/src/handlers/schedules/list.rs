use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{ListSchedulesQuery, ScheduleListResponse};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListSchedulesErrors: [AUTH, QUERY], [ValidationFailed, Forbidden]);

/// List your tenant's schedules, oldest first (training managers and org
/// admins).
#[utoipa::path(
    tag = "schedules",
    params(ListSchedulesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedules", body = ScheduleListResponse),
        ListSchedulesErrors,
    )
)]
#[get("/schedules")]
pub async fn list_schedules(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    query: web::Query<ListSchedulesQuery>,
) -> Result<HttpResponse, ApiError> {
    let course = query.into_inner().course()?;
    let schedules = state.services.schedules.list(&caller, course).await?;
    Ok(HttpResponse::Ok().json(ScheduleListResponse {
        schedules: schedules.into_iter().map(Into::into).collect(),
    }))
}
