use actix_web::{HttpResponse, get, web};

use super::poll_id;
use crate::auth::Authenticated;
use crate::dto::PollResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(GetPollErrors: [AUTH, ID], [NotAdmitted, ClassNotFound, PollNotFound]);

/// One poll with its live counts. Moderators also see drafts and, for a
/// named poll, `ballots` (who chose what); nobody sees an anonymous poll's.
/// Readable by those who may read the chat.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("pollId" = uuid::Uuid, Path, description = "The poll's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The poll", body = PollResponse),
        GetPollErrors,
    )
)]
#[get("/live-classes/{liveClassId}/polls/{pollId}")]
pub async fn get_poll(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, poll) = (class_id(&path.0)?, poll_id(&path.1)?);
    let poll = state.services.polls.get(&caller, class, poll).await?;
    Ok(HttpResponse::Ok().json(PollResponse::from(poll)))
}
