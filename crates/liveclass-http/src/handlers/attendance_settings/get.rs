use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::AttendanceSettingsResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetAttendanceSettingsErrors: [AUTH], [Forbidden]);

/// The grace periods the tenant's attendance reports use (training managers
/// and organisation admins): the tenant's own (`source: tenant`), else the
/// server's (`source: server`).
#[utoipa::path(
    tag = "courses",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings that apply", body = AttendanceSettingsResponse),
        GetAttendanceSettingsErrors,
    )
)]
#[get("/attendance-settings")]
pub async fn get_attendance_settings(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let settings = state.services.attendance.settings(&caller).await?;
    Ok(HttpResponse::Ok().json(AttendanceSettingsResponse::from(&settings)))
}
