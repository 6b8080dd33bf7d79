use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::JoinResponse;
use crate::error::ApiError;
use crate::metrics::JoinOutcome;
use crate::state::AppState;

crate::op_errors!(JoinClassErrors: [AUTH, LIMITED, ID, VIDEO], [ClassNotFound, ClassNotLive, NotOnRoster, ClassFull]);

/// Join a live class, within its capacity and its admission policy: a
/// `roster` class admits its creator and the users on its course's roster
/// (`PUT /courses/{courseId}/roster`), anyone else gets 403 `not_on_roster`;
/// the policy and the capacity are checked in one atomic admission. Joining
/// again while in the class returns the same participation
/// (`alreadyJoined: true`) and takes no seat.
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
    let p = joined.participation;
    Ok(HttpResponse::Ok().json(JoinResponse {
        id: p.id.to_string(),
        live_class_id: p.class_id.to_string(),
        user_id: p.user_id.to_string(),
        role: p.role.into(),
        room_id: joined.class.room_id.to_string(),
        join_url: joined.credentials.url,
        token: joined.credentials.token,
        token_expires_at: joined.credentials.expires_at,
        joined_at: p.joined_at,
        already_joined: joined.already_joined,
        message: if joined.already_joined {
            "Already in this live class"
        } else {
            "Joined live class successfully"
        },
    }))
}
