use actix_web::{HttpResponse, post, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::TokenResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(IssueTokenErrors: [AUTH, LIMITED, ID, VIDEO], [ClassNotFound, ClassNotLive, NotAdmitted, RemovedFromClass]);

/// New credentials for the video room, for a caller who is in the live
/// class now (join first). Meeting tokens expire; the seat does not.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "New credentials", body = TokenResponse),
        IssueTokenErrors,
    )
)]
#[post("/live-classes/{liveClassId}/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (class, participation, credentials) = state
        .services
        .live_classes
        .issue_token(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        live_class_id: class.id.to_string(),
        role: participation.role.into(),
        join_url: credentials.url,
        token: credentials.token,
        token_expires_at: credentials.expires_at,
    }))
}
