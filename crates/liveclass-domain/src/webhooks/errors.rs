//! The webhooks' errors. The endpoint operations share one enum: they
//! refuse for the same few reasons (a deviation from one-enum-per-use-case
//! kept deliberately small).

use crate::store::RepoError;
use crate::validation::ValidationError;

/// Managing webhook endpoints and their deliveries.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The URL resolves to an address webhooks may not reach.
    #[error("url is refused: {0}")]
    TargetRefused(String),
    /// Refused: “Only organisation admins can manage webhook endpoints”.
    #[error("Only organisation admins can manage webhook endpoints")]
    Forbidden,
    /// Refused: “Webhook endpoint not found”.
    #[error("Webhook endpoint not found")]
    NotFound,
    /// Refused: “Webhook delivery not found”.
    #[error("Webhook delivery not found")]
    DeliveryNotFound,
    /// No secrets key is configured, so no secret can be stored.
    #[error("Webhook secrets cannot be stored: no LIVECLASS_SECRETS_KEY is configured")]
    SecretsUnavailable(#[source] super::SecretError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
