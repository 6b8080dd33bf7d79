//! `/provider-accounts`: the tenant's own video-provider accounts
//! (organisation admins only; another tenant's account is 404).

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod test;
pub mod update;

use liveclass_domain::provider_accounts::ProviderAccountId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{accountId}` path segment.
fn account_id(raw: &str) -> Result<ProviderAccountId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(ProviderAccountId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!(
                    "accountId must be a UUID (got `{}`)",
                    liveclass_domain::validation::strip_controls(raw)
                ),
            )
        })
}
