use actix_web::{HttpResponse, put, web};

use crate::auth::Authenticated;
use crate::dto::{AttendanceSettingsBody, AttendanceSettingsResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(PutAttendanceSettingsErrors: [AUTH, LIMITED, BODY], [ValidationFailed, Forbidden]);

/// Set the tenant's own attendance grace periods (organisation admins):
/// a first join more than `lateAfterMinutes` after a class's start is
/// `late`; a last leave more than `leftEarlyMinutes` before its end is
/// `left_early`. Every report read afterwards uses them, those of classes
/// already ended included. Idempotent.
#[utoipa::path(
    tag = "courses",
    request_body = AttendanceSettingsBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings that apply now", body = AttendanceSettingsResponse),
        PutAttendanceSettingsErrors,
    )
)]
#[put("/attendance-settings")]
pub async fn put_attendance_settings(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<AttendanceSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let settings = state
        .services
        .attendance
        .set_settings(&caller, body.late_after_minutes, body.left_early_minutes)
        .await?;
    Ok(HttpResponse::Ok().json(AttendanceSettingsResponse::from(&settings)))
}
