use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::PollListResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListPollsErrors: [AUTH, ID], [NotAdmitted, ClassNotFound]);

/// The class's polls, oldest first, with their live counts (drafts and
/// named polls' `ballots` for moderators only).
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The polls", body = PollListResponse),
        ListPollsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/polls")]
pub async fn list_polls(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let polls = state.services.polls.list(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(PollListResponse {
        data: polls.into_iter().map(Into::into).collect(),
    }))
}
