use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::JoinResponse;
use crate::error::ApiError;
use crate::metrics::JoinOutcome;
use crate::state::AppState;

crate::op_errors!(JoinClassErrors: [AUTH, LIMITED, ID, VIDEO], [ClassNotFound, ClassNotLive, NotOnRoster, ApprovalRequired, RemovedFromClass, ClassFull]);

/// Join a live class, within its capacity and its admission policy: a
/// `roster` class admits its creator and the users on its course's roster
/// (`PUT /courses/{courseId}/roster`), anyone else gets 403 `not_on_roster`;
/// the policy and the capacity are checked in one atomic admission. Joining
/// again while in the class returns the same participation
/// (`alreadyJoined: true`) and takes no seat. An `approval` class admits
/// its creator and approved users (403 `approval_required` otherwise); a
/// user a moderator removed gets 403 `removed_from_class` until the class
/// ends. A full class answers 409 `class_full` (also to a user in its
/// waitlist, who waits for a freed seat): `POST …/waitlist` gets in line
/// instead.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "In the class", body = JoinResponse),
        JoinClassErrors,
    )
)]
#[post("/live-classes/{liveClassId}/join")]
pub async fn join_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let joined = state
        .services
        .live_classes
        .join(&caller, class_id(&path)?)
        .await
        .map_err(ApiError::from)
        .inspect_err(|e| state.metrics.record_join(JoinOutcome::of_error(e)))?;
    state.metrics.record_join(if joined.already_joined {
        JoinOutcome::AlreadyActive
    } else {
        JoinOutcome::Admitted
    });
    Ok(HttpResponse::Ok().json(JoinResponse::from_joined(joined)))
}
