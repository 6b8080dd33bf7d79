use actix_web::{HttpResponse, get, web};

use super::course_id;
use crate::auth::Authenticated;
use crate::dto::RosterResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetRosterErrors: [AUTH], [ValidationFailed, Forbidden]);

/// A course's roster, sorted by user id (training managers and organisation
/// admins). A course nobody put a roster on has an empty one.
#[utoipa::path(
    tag = "courses",
    params(
        ("courseId" = String, Path, description = "The course (the tenant's own id)", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roster", body = RosterResponse),
        GetRosterErrors,
    )
)]
#[get("/courses/{courseId}/roster")]
pub async fn get_roster(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let course = course_id(&path)?;
    let users = state.services.rosters.get(&caller, &course).await?;
    Ok(HttpResponse::Ok().json(RosterResponse::new(&course, &users)))
}
