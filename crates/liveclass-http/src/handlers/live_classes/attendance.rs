use actix_web::{HttpRequest, HttpResponse, get, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{AttendanceQuery, AttendanceResponse, attendance_csv};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(AttendanceErrors: [AUTH, ID, QUERY], [ValidationFailed, NotModerator, ClassNotFound]);

/// The class's attendance (its creator, co-hosts and the tenant's
/// managers): per person, the union of their stays — LiveClass's own joins
/// and leaves merged with the video provider's sessions, rejoins merged and
/// overlaps counted once — with first join, last leave, seconds present,
/// joins, the percentage of the class's duration and a status (`present`;
/// `late`: first joined more than 5 minutes after the start; `left_early`:
/// last left more than 5 minutes before the end — both server settings,
/// `LIVECLASS_ATTENDANCE_LATE_AFTER_MINUTES` and
/// `LIVECLASS_ATTENDANCE_LEFT_EARLY_MINUTES`; `absent`: on the roster
/// of a `roster` class or approved for an `approval` class, never came).
/// Each person's `engagement` counts what they did in class: chat
/// messages, questions asked under their name (anonymous ones never count),
/// upvotes, polls voted in, reactions and hand raises.
/// `?detail=segments` adds each person's stays. As CSV with `?format=csv`
/// or `Accept: text/csv` (RFC 4180, UTF-8, a header row; times in ISO 8601
/// with their offset, in `tz`; text cells a spreadsheet would run as a
/// formula are prefixed with `'`).
#[utoipa::path(
    tag = "live-classes",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        AttendanceQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The attendance", content(
            (AttendanceResponse = "application/json"),
            (String = "text/csv"),
        )),
        AttendanceErrors,
    )
)]
#[get("/live-classes/{liveClassId}/attendance")]
pub async fn class_attendance(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<AttendanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = class_id(&path)?;
    let options = query.options()?;
    let report = state.services.attendance.for_class(&caller, id).await?;
    if crate::dto::wants_csv(&req, &options) {
        let body = attendance_csv(&report, &options).map_err(|e| ApiError::internal(&e))?;
        return Ok(crate::dto::csv_attachment(
            body,
            &format!("attendance-{id}.csv"),
        ));
    }
    Ok(HttpResponse::Ok().json(AttendanceResponse::new(&report, options.segments)))
}
