use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{DecideRequestsBody, DecisionResult, DecisionResults};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(DecideRequestsErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, ClassNotFound, NotModerator]);

/// Approve or reject many requests at once (the class's creator, co-hosts
/// and managers). Each request is decided on its own, in its own
/// transaction: an unknown id gets its own `error` (404
/// `join_request_not_found`) and never fails the others. Results come in
/// the order of `requestIds`.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = DecideRequestsBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One result per request", body = DecisionResults),
        DecideRequestsErrors,
    )
)]
#[post("/live-classes/{liveClassId}/requests/decide")]
pub async fn decide_requests(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<DecideRequestsBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let ids = body.request_ids()?;
    let results = state
        .services
        .admissions
        .decide(&caller, class, ids, body.decision.into())
        .await?;
    let results = results
        .into_iter()
        .map(|(id, result)| match result {
            Ok((request, removed)) => DecisionResult {
                request_id: id.to_string(),
                request: Some(request.into()),
                removed_participation: removed.map(Into::into),
                error: None,
            },
            Err(e) => DecisionResult {
                request_id: id.to_string(),
                request: None,
                removed_participation: None,
                error: Some(ApiError::from(e).body()),
            },
        })
        .collect();
    Ok(HttpResponse::Ok().json(DecisionResults { results }))
}
