use actix_web::{HttpResponse, post, web};
use liveclass_domain::class::JoinOrWait;

use crate::auth::Authenticated;
use crate::dto::{JoinResponse, WaitStatusDto, WaitingResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::metrics::JoinOutcome;
use crate::state::AppState;

crate::op_errors!(JoinWaitlistErrors: [AUTH, LIMITED, ID, VIDEO], [ClassNotFound, ClassNotLive, NotOnRoster, ApprovalRequired, RemovedFromClass]);

/// Join a live class, or wait for a seat: with a free seat this is exactly
/// `POST /live-classes/{liveClassId}/join` (200, the same answer); when the
/// class is full the caller gets in its waitlist instead of 409 (202, with
/// their position). A user waits at most once at a time per class: asking
/// again gives their position. When a seat frees (a leave, a removal, a
/// withdrawn approval, a capacity increase), the first in line is admitted
/// in the transaction that frees it, first come first served and never
/// above capacity; they learn it from `GET …/waitlist/me` (which then
/// carries the join answer) and from `waitlist.promoted` and
/// `participant.joined` on the class's event stream. The line closes when
/// the class ends or is cancelled. The admission policy and bans apply as
/// for a join.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "In the class", body = JoinResponse),
        (status = 202, description = "The class is full: in its waitlist", body = WaitingResponse),
        JoinWaitlistErrors,
    )
)]
#[post("/live-classes/{liveClassId}/waitlist")]
pub async fn join_waitlist(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let outcome = state
        .services
        .live_classes
        .join_or_wait(&caller, class)
        .await
        .map_err(ApiError::from)
        .inspect_err(|e| state.metrics.record_join(JoinOutcome::of_error(e)))?;
    Ok(match outcome {
        JoinOrWait::Joined(joined) => {
            state.metrics.record_join(if joined.already_joined {
                JoinOutcome::AlreadyActive
            } else {
                JoinOutcome::Admitted
            });
            HttpResponse::Ok().json(JoinResponse::from_joined(*joined))
        }
        JoinOrWait::Waiting { position, capacity } => {
            HttpResponse::Accepted().json(WaitingResponse {
                live_class_id: class.to_string(),
                user_id: caller.user_id.as_str().to_owned(),
                status: WaitStatusDto::Waiting,
                position,
                max_participants: capacity,
                message: "The class is full: you are in its waitlist",
            })
        }
    })
}
