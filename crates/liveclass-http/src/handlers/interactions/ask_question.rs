use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{AskQuestionBody, MessageResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(AskQuestionErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound]);

/// Ask a question, under the chat's posting rules (while live; a
/// participant in the class now, never removed, or a moderator). With
/// `isAnonymous` the author is stored for abuse handling and never
/// returned by any endpoint or event, to anyone: `authorId` and
/// `authorName` are `null`. A `question.asked` event goes to the class's
/// stream and webhooks. Rate-limited per user.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = AskQuestionBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Asked", body = MessageResponse),
        AskQuestionErrors,
    )
)]
#[post("/live-classes/{liveClassId}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<AskQuestionBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let (text, anonymous) = body.parse()?;
    let question = state
        .services
        .interactions
        .ask_question(&caller, class, text, anonymous)
        .await?;
    Ok(HttpResponse::Created().json(MessageResponse::from(question)))
}
