use actix_web::{HttpResponse, delete, web};

use super::{course_id, user_id};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(RemoveFromRosterErrors: [AUTH, LIMITED], [ValidationFailed, Forbidden]);

/// Take one user off a course's roster (training managers and organisation
/// admins). Idempotent. The user keeps their place in a class they are in
/// now; their next join of a `roster` class of the course is refused (403
/// `not_on_roster`).
#[utoipa::path(
    tag = "courses",
    params(
        ("courseId" = String, Path, description = "The course (the tenant's own id)", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
        ("userId" = String, Path, description = "The user", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The user is not on the roster"),
        RemoveFromRosterErrors,
    )
)]
#[delete("/courses/{courseId}/roster/{userId}")]
pub async fn remove_from_roster(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (course, user) = (course_id(&path.0)?, user_id(&path.1)?);
    state
        .services
        .rosters
        .remove(&caller, &course, &user)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
