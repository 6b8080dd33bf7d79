use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{ListQuestionsQuery, QuestionListResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListQuestionsErrors: [AUTH, ID, QUERY], [ValidationFailed, NotAdmitted, ClassNotFound]);

/// The class's questions (deleted ones left out): `sort=votes` (default,
/// most upvoted first) or `sort=time` (oldest first), optionally one
/// `status`, `limit` 1 to 100 (default 50) from `offset`. Readable by those
/// who may read the chat. Anonymous questions show no author.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ListQuestionsQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The questions", body = QuestionListResponse),
        ListQuestionsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<ListQuestionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let query = query.parse()?;
    let questions = state
        .services
        .interactions
        .list_questions(&caller, class, query)
        .await?;
    Ok(HttpResponse::Ok().json(QuestionListResponse {
        data: questions.into_iter().map(Into::into).collect(),
    }))
}
