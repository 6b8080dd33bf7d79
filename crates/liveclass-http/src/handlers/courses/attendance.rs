use actix_web::{HttpRequest, HttpResponse, get, web};

use super::course_id;
use crate::auth::Authenticated;
use crate::dto::{CourseAttendanceQuery, CourseAttendanceResponse, course_csv_attachment};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(CourseAttendanceErrors: [AUTH, QUERY], [ValidationFailed, Forbidden]);

/// A course's attendance, Moodle's shape (training managers and
/// organisation admins): its classes scheduled in `from`..`to` (not
/// cancelled), soonest first, and one line per student — everyone on the
/// course's roster and everyone else who attended one of its classes
/// (teachers are not students) — with their status in each class (`null`
/// for a class not started), the classes attended, the total time and its
/// percentage of the classes' durations. At most 500 classes (400
/// `validation_failed` beyond: narrow the range). As CSV with
/// `?format=csv` or `Accept: text/csv`: one column per class, headed by its
/// scheduled time (in `tz`) and title.
#[utoipa::path(
    tag = "courses",
    params(
        ("courseId" = String, Path, description = "The course (the tenant's own id)", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
        CourseAttendanceQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The course's attendance", content(
            (CourseAttendanceResponse = "application/json"),
            (String = "text/csv"),
        )),
        CourseAttendanceErrors,
    )
)]
#[get("/courses/{courseId}/attendance")]
pub async fn course_attendance(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CourseAttendanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let course = course_id(&path)?;
    let (from, to, options) = query.checked()?;
    let report = state
        .services
        .attendance
        .for_course(&caller, &course, from, to)
        .await?;
    if crate::dto::wants_csv(&req, &options) {
        return Ok(course_csv_attachment(
            report,
            &options,
            "course-attendance.csv",
        ));
    }
    Ok(HttpResponse::Ok().json(CourseAttendanceResponse::from(&report)))
}
