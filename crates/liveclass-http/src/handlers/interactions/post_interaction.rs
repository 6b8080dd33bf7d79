use actix_web::{HttpResponse, post, web};
use liveclass_domain::interaction::InteractionPost;

use crate::auth::Authenticated;
use crate::dto::{InteractionResponse, PostInteractionBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(PostInteractionErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound, PollNotFound, PollNotOpen, AlreadyVoted]);

/// Seed 003's interaction post, mapped onto the richer resources: `chat`
/// posts a chat message, `question` asks a question (`isAnonymous` allowed),
/// `poll_response` votes (`content` = `{pollId}:{option}[,{option}…]`,
/// 0-based indexes), `reaction` reacts (`content` = a reaction's name or
/// emoji). `isAnonymous: true` with anything but a question, or a
/// `content` that does not fit the type, is 400 `validation_failed`. The
/// same rules, events and per-user rate limit as the resource it maps onto.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = PostInteractionBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Posted", body = InteractionResponse),
        PostInteractionErrors,
    )
)]
#[post("/live-classes/{liveClassId}/interactions")]
pub async fn post_interaction(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<PostInteractionBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let services = &state.services;
    let response = match body.parse()? {
        InteractionPost::Chat(text) => services
            .interactions
            .post_message(&caller, class, text)
            .await?
            .into(),
        InteractionPost::Question { text, anonymous } => services
            .interactions
            .ask_question(&caller, class, text, anonymous)
            .await?
            .into(),
        InteractionPost::PollResponse { poll, options } => {
            let voted = services
                .polls
                .vote(&caller, class, poll, options.clone())
                .await?;
            InteractionResponse::vote(
                voted,
                caller.user_id.as_str(),
                &options,
                time::OffsetDateTime::now_utc(),
            )
        }
        InteractionPost::Reaction(kind) => {
            InteractionResponse::reaction(services.reactions.react(&caller, class, kind).await?)
        }
    };
    Ok(HttpResponse::Created().json(response))
}
