use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{MarkReadBody, ReadMarkResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(MarkReadErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, NotAdmitted, ClassNotFound, MessageNotFound]);

/// Mark the class's chat read up to the last message seen: `lastPosition`
/// (a message's `position`) or `lastMessageId`. The mark only moves
/// forward (an older one changes nothing) and never past the last message;
/// `unreadMessages` in `GET /live-classes` and `GET
/// /live-classes/{liveClassId}` counts the messages after it. Open to the
/// class's moderators and anyone who is or was in it, in any class state.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = MarkReadBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The mark after it", body = ReadMarkResponse),
        MarkReadErrors,
    )
)]
#[post("/live-classes/{liveClassId}/interactions/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<MarkReadBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let up_to = body.parse()?;
    let unread = &state.services.unread;
    let last_read_position = unread.mark_read(&caller, class, up_to).await?;
    let counts = unread.unread_counts(&caller, &[class]).await?;
    Ok(HttpResponse::Ok().json(ReadMarkResponse {
        live_class_id: class.to_string(),
        last_read_position,
        unread_messages: counts.get(&class).copied().unwrap_or(0),
    }))
}
