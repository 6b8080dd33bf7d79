use actix_web::{HttpResponse, put, web};

use super::course_id;
use crate::auth::Authenticated;
use crate::dto::{RosterBody, RosterResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(PutRosterErrors: [AUTH, LIMITED, BODY], [ValidationFailed, Forbidden]);

/// Set a course's whole roster (training managers and organisation admins):
/// afterwards it holds exactly `userIds` (duplicates ignored, at most 5000).
/// Idempotent. Users taken off it keep their place in a class they are in
/// now; their next join of a `roster` class of the course is refused (403
/// `not_on_roster`).
#[utoipa::path(
    tag = "courses",
    params(
        ("courseId" = String, Path, description = "The course (the tenant's own id)", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    request_body = RosterBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roster as it is now", body = RosterResponse),
        PutRosterErrors,
    )
)]
#[put("/courses/{courseId}/roster")]
pub async fn put_roster(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<RosterBody>,
) -> Result<HttpResponse, ApiError> {
    let course = course_id(&path)?;
    let users = body.parse()?;
    let users = state
        .services
        .rosters
        .replace(&caller, &course, users)
        .await?;
    Ok(HttpResponse::Ok().json(RosterResponse::new(&course, &users)))
}
