use actix_web::{HttpResponse, delete, web};

use crate::auth::Authenticated;
use crate::dto::AttendanceSettingsResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ResetAttendanceSettingsErrors: [AUTH, LIMITED], [Forbidden]);

/// Drop the tenant's own grace periods (organisation admins): the server's
/// apply again. Idempotent.
#[utoipa::path(
    tag = "courses",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings that apply now (the server's)", body = AttendanceSettingsResponse),
        ResetAttendanceSettingsErrors,
    )
)]
#[delete("/attendance-settings")]
pub async fn reset_attendance_settings(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let settings = state.services.attendance.reset_settings(&caller).await?;
    Ok(HttpResponse::Ok().json(AttendanceSettingsResponse::from(&settings)))
}
