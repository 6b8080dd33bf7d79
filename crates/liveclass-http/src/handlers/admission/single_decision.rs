//! `…/requests/{requestId}/approve` and `…/reject`: one request each.

use actix_web::{HttpResponse, post, web};
use liveclass_domain::admission::Decision;
use liveclass_domain::caller::Caller;

use super::request_id;
use crate::auth::Authenticated;
use crate::dto::DecidedRequest;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(DecideRequestErrors: [AUTH, LIMITED, ID], [ClassNotFound, NotModerator, JoinRequestNotFound]);

async fn decide(
    state: &AppState,
    caller: &Caller,
    path: &(String, String),
    decision: Decision,
) -> Result<HttpResponse, ApiError> {
    let (class, request) = (class_id(&path.0)?, request_id(&path.1)?);
    let mut results = state
        .services
        .admissions
        .decide(caller, class, vec![request], decision)
        .await?;
    let (_, result) = results
        .pop()
        .ok_or_else(|| ApiError::internal(&std::fmt::Error))?;
    let (request, removed) = result?;
    Ok(HttpResponse::Ok().json(DecidedRequest {
        request: request.into(),
        removed_participation: removed.map(Into::into),
    }))
}

/// Approve a request to join (the class's creator, co-hosts and managers):
/// the user may join from now on. Approving again changes nothing.
#[utoipa::path(
    tag = "admission",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("requestId" = uuid::Uuid, Path, description = "The request's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = DecidedRequest),
        DecideRequestErrors,
    )
)]
#[post("/live-classes/{liveClassId}/requests/{requestId}/approve")]
pub async fn approve_request(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &caller, &path, Decision::Approve).await
}

/// Reject a request to join (the class's creator, co-hosts and managers).
/// Rejecting an approved request withdraws the approval: the user leaves
/// the class at once if present (`participant.left` with reason
/// `approval_withdrawn`; their seat goes to the first in the waitlist) and
/// leaves its waitlist; later joins answer 403 `approval_required`. An
/// admission racing the withdrawal is ordered before it (and then ended) or
/// after it (and refused): never both.
#[utoipa::path(
    tag = "admission",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("requestId" = uuid::Uuid, Path, description = "The request's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = DecidedRequest),
        DecideRequestErrors,
    )
)]
#[post("/live-classes/{liveClassId}/requests/{requestId}/reject")]
pub async fn reject_request(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &caller, &path, Decision::Reject).await
}
