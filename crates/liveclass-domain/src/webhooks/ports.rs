//! The webhooks' ports: the store, the secret box and the sender.

use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{
    AttemptRecord, Delivery, DueDelivery, EndpointChanges, EndpointId, NewEndpoint, SealedSecret,
    WebhookEndpoint,
};
use crate::events::EventId;
use crate::ids::TenantId;
use crate::store::RepoError;

/// Endpoints and their deliveries. Deliveries are *written* by the store
/// itself, in the transaction that appends an event (see the module docs).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookRepository: Send + Sync {
    /// Stores a new endpoint.
    async fn create_endpoint(&self, endpoint: NewEndpoint) -> Result<(), RepoError>;
    /// The tenant's endpoints, oldest first.
    async fn list_endpoints(&self, tenant: &TenantId) -> Result<Vec<WebhookEndpoint>, RepoError>;
    /// One endpoint of the tenant.
    async fn find_endpoint(
        &self,
        tenant: &TenantId,
        id: EndpointId,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// Applies `changes`; `None` when there is no such endpoint.
    async fn update_endpoint(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        changes: EndpointChanges,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// Deletes the endpoint and its deliveries; `false` when there is none.
    async fn delete_endpoint(&self, tenant: &TenantId, id: EndpointId) -> Result<bool, RepoError>;
    /// Makes `secret` the current secret; the old one keeps signing until
    /// `previous_until`. `None` when there is no such endpoint.
    async fn rotate_secret(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        secret: SealedSecret,
        previous_until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// The endpoint's deliveries, newest first.
    async fn list_deliveries(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Delivery>, RepoError>;
    /// Makes a delivery due now again (pending, attempts kept); `None` when
    /// there is no such delivery.
    async fn retry_delivery(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        event: EventId,
        now: OffsetDateTime,
    ) -> Result<Option<Delivery>, RepoError>;
    /// Claims up to `limit` pending deliveries due at `now`, leasing them
    /// until `lease_until`. **Contract:** of concurrent claimers (any
    /// number of processes) each due delivery goes to one; a claimed one
    /// is not claimed again before `lease_until`.
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, RepoError>;
    /// Records an attempt (and disables the endpoint on
    /// `FailedAndDisable`).
    async fn record_attempt(&self, record: AttemptRecord) -> Result<(), RepoError>;
}

/// Why a secret could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No key is configured (`LIVECLASS_SECRETS_KEY`).
    #[error("no secrets key is configured (LIVECLASS_SECRETS_KEY)")]
    NoKey,
    /// The sealed value is corrupt, or sealed by a key not configured.
    #[error("a stored secret cannot be opened")]
    Corrupt(#[source] anyhow::Error),
}

/// Makes signing secrets and seals secrets for storage with an AEAD key
/// (webhook signing secrets, provider credentials).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SecretBox: Send + Sync {
    /// A new random key (32 bytes from the operating system).
    ///
    /// # Errors
    /// `NoKey` when nothing could seal it.
    fn generate(&self) -> Result<Vec<u8>, SecretError>;
    /// Seals `plain`.
    ///
    /// # Errors
    /// `NoKey`.
    fn seal(&self, plain: &[u8]) -> Result<SealedSecret, SecretError>;
    /// Opens a sealed secret.
    ///
    /// # Errors
    /// `NoKey`, `Corrupt`.
    fn open(&self, sealed: &SealedSecret) -> Result<Vec<u8>, SecretError>;
    /// Seals `plain` bound to `context` (the AEAD's associated data: which
    /// row and field it belongs to), so a sealed value copied into another
    /// row or field does not open.
    ///
    /// # Errors
    /// `NoKey`.
    fn seal_for(&self, plain: &[u8], context: &str) -> Result<SealedSecret, SecretError>;
    /// Opens a value sealed by [`Self::seal_for`] with the same `context`.
    ///
    /// # Errors
    /// `NoKey`, `Corrupt` (also when `context` differs).
    fn open_for(&self, sealed: &SealedSecret, context: &str) -> Result<Vec<u8>, SecretError>;
}

/// Why a target URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TargetRefused(pub String);

/// One signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    /// Where.
    pub url: String,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
}

/// What an attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// An answer.
    Answered {
        /// Its status.
        status: u16,
        /// Its `Retry-After`, when present.
        retry_after: Option<Duration>,
        /// How long it took.
        latency: Duration,
    },
    /// No answer (refused target, connection, timeout).
    NoAnswer {
        /// Why.
        error: String,
        /// How long it took.
        latency: Duration,
    },
}

/// Sends webhooks over HTTP: no redirects followed, a timeout per attempt,
/// and targets that resolve to non-public addresses refused (unless the
/// deployment allows them), checked on the address actually connected to.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// Whether `url` may receive webhooks now (its host resolves, to allowed
    /// addresses only).
    async fn check_target(&self, url: &str) -> Result<(), TargetRefused>;
    /// One attempt.
    async fn send(&self, request: WebhookRequest) -> SendResult;
}
