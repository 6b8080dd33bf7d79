use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{CreatePollBody, PollResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(CreatePollErrors: [AUTH, ID, BODY, LIMITED], [ValidationFailed, ClassFinished, NotModerator, ClassNotFound]);

/// Create a poll, as a draft (moderators: the class's creator, its co-hosts, a
/// `training_manager` or `org_admin` of the tenant; a scheduled or live
/// class): a question, 2 to 10 options, single or multiple choice,
/// anonymous or named. Open it to take votes.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    request_body = CreatePollBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created (draft)", body = PollResponse),
        CreatePollErrors,
    )
)]
#[post("/live-classes/{liveClassId}/polls")]
pub async fn create_poll(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<CreatePollBody>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let spec = body.parse()?;
    let poll = state.services.polls.create(&caller, class, spec).await?;
    Ok(HttpResponse::Created().json(PollResponse::from(poll)))
}
