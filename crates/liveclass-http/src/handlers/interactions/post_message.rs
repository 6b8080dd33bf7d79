use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{MessageResponse, PostMessageBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(PostMessageErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound]);

/// Post a chat message. Only while the class is live, by a participant in
/// it now (joined, not left) who was never removed from it, or by a
/// moderator (the class's creator, its co-hosts, a `training_manager` or `org_admin` of
/// the tenant). The message is also a `message.posted` event on the
/// class's event stream and webhooks. Rate-limited per user
/// (`LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER`).
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = PostMessageBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Posted", body = MessageResponse),
        PostMessageErrors,
    )
)]
#[post("/live-classes/{liveClassId}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<PostMessageBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let text = body.parse()?;
    let message = state
        .services
        .interactions
        .post_message(&caller, class, text)
        .await?;
    Ok(HttpResponse::Created().json(MessageResponse::from(message)))
}
