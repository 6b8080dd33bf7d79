use actix_web::{HttpResponse, post, web};

use super::poll_id;
use crate::auth::Authenticated;
use crate::dto::PollResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ClosePollErrors: [AUTH, ID, LIMITED], [InvalidStatusTransition, NotModerator, ClassNotFound, PollNotFound]);

/// Close an open poll: no more votes; its counts stay (`poll.closed`). Moderators only.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("pollId" = uuid::Uuid, Path, description = "The poll's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The poll", body = PollResponse),
        ClosePollErrors,
    )
)]
#[post("/live-classes/{liveClassId}/polls/{pollId}/close")]
pub async fn close_poll(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, poll) = (class_id(&path.0)?, poll_id(&path.1)?);
    let poll = state.services.polls.close(&caller, class, poll).await?;
    Ok(HttpResponse::Ok().json(PollResponse::from(poll)))
}
