use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{PostReactionBody, ReactionResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(PostReactionErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound]);

/// Send a reaction: one of `thumbs_up` 👍, `clap` 👏, `heart` ❤️, `laugh`
/// 😂, `surprised` 😮, `celebrate` 🎉, `raised_hand` ✋ (by name or emoji).
/// Under the chat's posting rules: while the class is live, by a
/// participant in it now who was never removed from it, or by a
/// moderator. Answered with the class's counts after it; a
/// `reaction.posted` event carries the same counts. Rate-limited per user
/// (`LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER`).
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = PostReactionBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Sent", body = ReactionResponse),
        PostReactionErrors,
    )
)]
#[post("/live-classes/{liveClassId}/reactions")]
pub async fn post_reaction(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<PostReactionBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let kind = body.parse()?;
    let posted = state.services.reactions.react(&caller, class, kind).await?;
    Ok(HttpResponse::Created().json(ReactionResponse::from(posted)))
}
