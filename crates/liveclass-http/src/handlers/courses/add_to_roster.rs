use actix_web::{HttpResponse, put, web};

use super::{course_id, user_id};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(AddToRosterErrors: [AUTH, LIMITED], [ValidationFailed, Forbidden]);

/// Put one user on a course's roster (training managers and organisation
/// admins). Idempotent: a user already on it stays, with their first
/// `addedAt`.
#[utoipa::path(
    tag = "courses",
    params(
        ("courseId" = String, Path, description = "The course (the tenant's own id)", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
        ("userId" = String, Path, description = "The user", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The user is on the roster"),
        AddToRosterErrors,
    )
)]
#[put("/courses/{courseId}/roster/{userId}")]
pub async fn add_to_roster(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (course, user) = (course_id(&path.0)?, user_id(&path.1)?);
    state.services.rosters.add(&caller, &course, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}
