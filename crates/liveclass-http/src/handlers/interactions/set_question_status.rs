use actix_web::{HttpResponse, patch, web};

use super::message_id;
use crate::auth::Authenticated;
use crate::dto::{MessageResponse, QuestionStatusBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(SetQuestionStatusErrors: [AUTH, ID, BODY, LIMITED], [NotModerator, ClassNotFound, QuestionNotFound]);

/// Mark a question `answered`, `dismissed`, or `open` again: moderators
/// only (the class's creator, its co-hosts, a `training_manager` or `org_admin` of the
/// tenant), during or after the class. A `question.answered`,
/// `question.dismissed` or `question.reopened` event follows.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("questionId" = uuid::Uuid, Path, description = "The question's id (UUID)"),
    ),
    request_body = QuestionStatusBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The question after the change", body = MessageResponse),
        SetQuestionStatusErrors,
    )
)]
#[patch("/live-classes/{liveClassId}/questions/{questionId}")]
pub async fn set_question_status(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
    JsonBody(body): JsonBody<QuestionStatusBody>,
) -> Result<HttpResponse, ApiError> {
    let (class, question) = (class_id(&path.0)?, message_id("questionId", &path.1)?);
    let question = state
        .services
        .interactions
        .set_question_status(&caller, class, question, body.status.into())
        .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::from(question)))
}
