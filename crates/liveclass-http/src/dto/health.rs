use serde::Serialize;
use utoipa::ToSchema;

/// Health and readiness answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}
