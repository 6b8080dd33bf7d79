use actix_web::{HttpResponse, post, web};

use super::message_id;
use crate::auth::Authenticated;
use crate::dto::MessageResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(UpvoteQuestionErrors: [AUTH, ID, LIMITED], [ClassNotLive, NotAdmitted, RemovedFromClass, ClassNotFound, QuestionNotFound, AlreadyUpvoted]);

/// Upvote a question, once per user (the database's key decides, however
/// many requests arrive at once; again is 409 `already_upvoted`), under
/// the posting rules. A `question.upvoted` event with the new count (never
/// the voter) goes to the class's stream and webhooks.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("questionId" = uuid::Uuid, Path, description = "The question's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The question after the upvote", body = MessageResponse),
        UpvoteQuestionErrors,
    )
)]
#[post("/live-classes/{liveClassId}/questions/{questionId}/upvote")]
pub async fn upvote_question(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (class, question) = (class_id(&path.0)?, message_id("questionId", &path.1)?);
    let question = state
        .services
        .interactions
        .upvote_question(&caller, class, question)
        .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::from(question)))
}
