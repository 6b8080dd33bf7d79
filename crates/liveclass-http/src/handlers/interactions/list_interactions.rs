use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{InteractionPageResponse, ListInteractionsQuery};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListInteractionsErrors: [AUTH, ID, QUERY], [ValidationFailed, NotAdmitted, ClassNotFound]);

/// Seed 003's interaction list: the class's chat messages and questions,
/// oldest first, deleted ones left out; `type` (`chat` or `question`),
/// `limit` 1 to 100 (default 50) and `cursor` (the previous page's
/// `nextCursor`). Poll responses and reactions are counted rather than
/// listed (`GET …/polls`, `GET …/reactions`): asking for those types is
/// 400 `validation_failed`. Readable by the class's moderators and by
/// anyone who is or was in the class.
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ListInteractionsQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of interactions", body = InteractionPageResponse),
        ListInteractionsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/interactions")]
pub async fn list_interactions(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<ListInteractionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let (query, after) = query.parse()?;
    let page = state
        .services
        .interactions
        .list_messages(&caller, class, query)
        .await?;
    Ok(HttpResponse::Ok().json(InteractionPageResponse::new(page, after)))
}
