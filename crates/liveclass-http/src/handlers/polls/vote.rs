use actix_web::{HttpResponse, post, web};

use super::poll_id;
use crate::auth::Authenticated;
use crate::dto::{PollResponse, VoteBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(VotePollErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound, PollNotFound, PollNotOpen, AlreadyVoted]);

/// Vote in an open poll, once and for good: the vote cannot be changed
/// (again is 409 `already_voted`; the database's key decides, however many
/// requests arrive at once). Under the chat's posting rules (while live; a
/// participant in the class now, never removed, or a moderator). A
/// `poll.voted` event with the new counts (never the voter) follows.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("pollId" = uuid::Uuid, Path, description = "The poll's id (UUID)"),
    ),
    request_body = VoteBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The poll's counts after the vote", body = PollResponse),
        VotePollErrors,
    )
)]
#[post("/live-classes/{liveClassId}/polls/{pollId}/votes")]
pub async fn vote_poll(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
    JsonBody(body): JsonBody<VoteBody>,
) -> Result<HttpResponse, ApiError> {
    let (class, poll) = (class_id(&path.0)?, poll_id(&path.1)?);
    let poll = state
        .services
        .polls
        .vote(&caller, class, poll, body.options)
        .await?;
    Ok(HttpResponse::Ok().json(PollResponse::from(poll)))
}
