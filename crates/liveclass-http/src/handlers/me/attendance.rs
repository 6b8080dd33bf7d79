use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{CourseAttendanceResponse, MyAttendanceQuery, course_csv_attachment};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(MyAttendanceErrors: [AUTH, QUERY], [ValidationFailed]);

/// The caller's own attendance in a course (anyone): the course's classes
/// they may see, scheduled in `from`..`to`, and their one line — status
/// and seconds per class, classes attended, total time, percentage — as in
/// `GET /courses/{courseId}/attendance`. `courseId` is required.
#[utoipa::path(
    tag = "courses",
    params(MyAttendanceQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's attendance", content(
            (CourseAttendanceResponse = "application/json"),
            (String = "text/csv"),
        )),
        MyAttendanceErrors,
    )
)]
#[get("/me/attendance")]
pub async fn my_attendance(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    req: HttpRequest,
    query: web::Query<MyAttendanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let (course, (from, to, options)) = query.checked()?;
    let report = state
        .services
        .attendance
        .for_me(&caller, &course, from, to)
        .await?;
    if crate::dto::wants_csv(&req, &options) {
        return Ok(course_csv_attachment(report, &options, "my-attendance.csv"));
    }
    Ok(HttpResponse::Ok().json(CourseAttendanceResponse::from(&report)))
}
