use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::StreamTokenResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(IssueStreamTokenErrors: [AUTH, LIMITED, ID], [ClassNotFound]);

/// A short-lived token that opens this class's event stream, for browsers:
/// `EventSource` cannot send an `Authorization` header, so it passes the
/// token as `?token=`. It carries the caller's tenant and user, is valid
/// for 5 minutes on this class's stream only, and is refused by every
/// other endpoint. Anyone of the tenant who can see the class may get one.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A stream token", body = StreamTokenResponse),
        IssueStreamTokenErrors,
    )
)]
#[post("/live-classes/{liveClassId}/events/token")]
pub async fn issue_stream_token(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class_id = class_id(&path)?;
    // The same check the stream makes: the class exists in the caller's
    // tenant (one indexed read of at most one event).
    state
        .services
        .class_events
        .list(&caller, class_id, None, Some(1))
        .await?;
    let (token, expires_at) = state.stream_tokens.issue(&caller, class_id)?;
    Ok(HttpResponse::Ok().json(StreamTokenResponse {
        stream_url: format!("/live-classes/{class_id}/events?token={token}"),
        token,
        expires_at,
        live_class_id: class_id.to_string(),
    }))
}
