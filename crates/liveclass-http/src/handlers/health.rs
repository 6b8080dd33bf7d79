use actix_web::{HttpResponse, get, web};

use crate::dto::HealthResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(HealthErrors: [], []);

/// The process is up.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The process is up", body = HealthResponse),
        HealthErrors,
    )
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// The database answers: the instance can serve requests. 503
/// `database_unavailable` (the `default` response) when it does not.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = HealthResponse),
        HealthErrors,
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.services.live_classes.ping_store().await?;
    Ok(HttpResponse::Ok().json(HealthResponse { status: "ok" }))
}
