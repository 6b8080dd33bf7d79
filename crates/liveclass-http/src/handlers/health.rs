use actix_web::{HttpResponse, get, web};
use liveclass_domain::LiveClasses;

use crate::dto::HealthResponse;
use crate::error::{ApiError, ErrorBody};

/// The process is up.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is up", body = HealthResponse))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// The database answers: the instance can serve requests.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = HealthResponse),
        (status = 503, description = "The database is unreachable", body = ErrorBody),
    )
)]
#[get("/readyz")]
pub async fn readyz(service: web::Data<dyn LiveClasses>) -> Result<HttpResponse, ApiError> {
    service.ping_store().await?;
    Ok(HttpResponse::Ok().json(HealthResponse { status: "ok" }))
}
