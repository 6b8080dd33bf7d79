use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{ListMessagesQuery, MessagePageResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ListMessagesErrors: [AUTH, ID, QUERY], [ValidationFailed, NotAdmitted, ClassNotFound]);

/// The class's chat, oldest first, deleted messages left out: `after` a
/// position, `limit` 1 to 100 (default 50), optionally one `type`. Readable
/// by the class's moderators and by anyone who is or was in the class
/// (during the class its participants, after it those who attended).
#[utoipa::path(
    tag = "interactions",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ListMessagesQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of messages", body = MessagePageResponse),
        ListMessagesErrors,
    )
)]
#[get("/live-classes/{liveClassId}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<ListMessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let query = query.parse()?;
    let after = query.after.and_then(|a| u64::try_from(a).ok()).unwrap_or(0);
    let page = state
        .services
        .interactions
        .list_messages(&caller, class, query)
        .await?;
    Ok(HttpResponse::Ok().json(MessagePageResponse::new(page, after)))
}
