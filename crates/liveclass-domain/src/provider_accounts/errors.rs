//! The provider accounts' errors. The management operations share one enum:
//! they refuse for the same few reasons (as the webhook endpoints do).

use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::webhooks::SecretError;

/// Managing a tenant's provider accounts.
#[derive(Debug, thiserror::Error)]
pub enum ProviderAccountError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Only organisation admins can manage provider accounts”.
    #[error("Only organisation admins can manage provider accounts")]
    Forbidden,
    /// No such account in the caller's tenant.
    #[error("Provider account not found")]
    NotFound,
    /// The tenant already has an active account of this kind.
    #[error("The tenant already has an active {0} account; deactivate it first")]
    ActiveExists(&'static str),
    /// No secrets key is configured, so no credential can be stored.
    #[error(
        "Provider credentials cannot be stored: no LIVECLASS_SECRETS_KEY is configured on the server"
    )]
    SecretsUnavailable(#[source] SecretError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
