//! Managing endpoints, and the delivery job.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::errors::WebhookError;
use super::model::{
    AttemptOutcome, AttemptRecord, Delivery, DueDelivery, EndpointChanges, EndpointId, EventFilter,
    NewEndpoint, WebhookEndpoint, WebhookPolicy, WebhookUrl,
};
use super::ports::{SecretBox, SendResult, WebhookRepository, WebhookRequest, WebhookSender};
use super::signature::{encode_secret, sign};
use crate::caller::{Caller, Role};
use crate::clock::Clock;
use crate::events::{EventId, model::instant_text as format_instant};
use crate::ids::IdGenerator;
use crate::instant::later;
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};

/// An endpoint just created, with its secret (shown this once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedEndpoint {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`.
    pub secret: String,
}

/// Managing a tenant's webhook endpoints (organisation admins only).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookEndpoints: Send + Sync {
    /// Creates an endpoint with a new secret.
    async fn create(
        &self,
        caller: &Caller,
        url: WebhookUrl,
        event_types: EventFilter,
        description: String,
        enabled: bool,
    ) -> Result<CreatedEndpoint, WebhookError>;
    /// The tenant's endpoints.
    async fn list(&self, caller: &Caller) -> Result<Vec<WebhookEndpoint>, WebhookError>;
    /// One endpoint.
    async fn get(&self, caller: &Caller, id: EndpointId) -> Result<WebhookEndpoint, WebhookError>;
    /// Changes an endpoint.
    async fn update(
        &self,
        caller: &Caller,
        id: EndpointId,
        changes: EndpointChanges,
    ) -> Result<WebhookEndpoint, WebhookError>;
    /// Deletes an endpoint and its deliveries.
    async fn delete(&self, caller: &Caller, id: EndpointId) -> Result<(), WebhookError>;
    /// A new secret; the previous one keeps signing for the overlap period.
    async fn rotate_secret(
        &self,
        caller: &Caller,
        id: EndpointId,
    ) -> Result<CreatedEndpoint, WebhookError>;
    /// The endpoint's deliveries, newest first.
    async fn deliveries(
        &self,
        caller: &Caller,
        id: EndpointId,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<Vec<Delivery>, WebhookError>;
    /// Makes a delivery due now again.
    async fn retry(
        &self,
        caller: &Caller,
        id: EndpointId,
        event: EventId,
    ) -> Result<Delivery, WebhookError>;
}

/// The implementation of [`WebhookEndpoints`].
pub struct WebhookService {
    store: Arc<dyn WebhookRepository>,
    secrets: Arc<dyn SecretBox>,
    sender: Arc<dyn WebhookSender>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: WebhookPolicy,
}

impl WebhookService {
    /// The service over these ports.
    pub fn new(
        store: Arc<dyn WebhookRepository>,
        secrets: Arc<dyn SecretBox>,
        sender: Arc<dyn WebhookSender>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: WebhookPolicy,
    ) -> Self {
        Self {
            store,
            secrets,
            sender,
            clock,
            ids,
            policy,
        }
    }

    fn admin(caller: &Caller) -> Result<(), WebhookError> {
        if caller.roles.contains(&Role::OrgAdmin) {
            Ok(())
        } else {
            Err(WebhookError::Forbidden)
        }
    }

    async fn check_target(&self, url: &WebhookUrl) -> Result<(), WebhookError> {
        self.sender
            .check_target(url.as_str())
            .await
            .map_err(|e| WebhookError::TargetRefused(e.0))
    }

    fn new_secret(&self) -> Result<(String, super::SealedSecret), WebhookError> {
        let key = self
            .secrets
            .generate()
            .map_err(WebhookError::SecretsUnavailable)?;
        let sealed = self
            .secrets
            .seal(&key)
            .map_err(WebhookError::SecretsUnavailable)?;
        Ok((encode_secret(&key), sealed))
    }
}

/// Parses a deliveries page: limit 1..=100 (default 50), offset >= 0.
fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(u32, u32), ValidationError> {
    let limit = limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ValidationError::new(
            Field::Limit,
            "must be between 1 and 100",
        ));
    }
    let offset = offset.unwrap_or(0);
    let offset = u32::try_from(offset)
        .map_err(|_| ValidationError::new(Field::Offset, "must be between 0 and 4294967295"))?;
    Ok((limit as u32, offset))
}

#[async_trait]
impl WebhookEndpoints for WebhookService {
    async fn create(
        &self,
        caller: &Caller,
        url: WebhookUrl,
        event_types: EventFilter,
        description: String,
        enabled: bool,
    ) -> Result<CreatedEndpoint, WebhookError> {
        Self::admin(caller)?;
        self.check_target(&url).await?;
        let (secret, sealed) = self.new_secret()?;
        let now = self.clock.now();
        let endpoint = WebhookEndpoint {
            id: EndpointId::from_uuid(self.ids.new_uuid()),
            tenant_id: caller.tenant_id.clone(),
            url: url.as_str().to_owned(),
            event_types,
            description,
            enabled,
            created_at: now,
            updated_at: now,
            previous_secret_expires_at: None,
        };
        self.store
            .create_endpoint(NewEndpoint {
                endpoint: endpoint.clone(),
                secret: sealed,
            })
            .await?;
        Ok(CreatedEndpoint { endpoint, secret })
    }

    async fn list(&self, caller: &Caller) -> Result<Vec<WebhookEndpoint>, WebhookError> {
        Self::admin(caller)?;
        Ok(self.store.list_endpoints(&caller.tenant_id).await?)
    }

    async fn get(&self, caller: &Caller, id: EndpointId) -> Result<WebhookEndpoint, WebhookError> {
        Self::admin(caller)?;
        self.store
            .find_endpoint(&caller.tenant_id, id)
            .await?
            .ok_or(WebhookError::NotFound)
    }

    async fn update(
        &self,
        caller: &Caller,
        id: EndpointId,
        changes: EndpointChanges,
    ) -> Result<WebhookEndpoint, WebhookError> {
        Self::admin(caller)?;
        if let Some(url) = &changes.url {
            self.check_target(url).await?;
        }
        self.store
            .update_endpoint(&caller.tenant_id, id, changes, self.clock.now())
            .await?
            .ok_or(WebhookError::NotFound)
    }

    async fn delete(&self, caller: &Caller, id: EndpointId) -> Result<(), WebhookError> {
        Self::admin(caller)?;
        if self.store.delete_endpoint(&caller.tenant_id, id).await? {
            Ok(())
        } else {
            Err(WebhookError::NotFound)
        }
    }

    async fn rotate_secret(
        &self,
        caller: &Caller,
        id: EndpointId,
    ) -> Result<CreatedEndpoint, WebhookError> {
        Self::admin(caller)?;
        if self
            .store
            .find_endpoint(&caller.tenant_id, id)
            .await?
            .is_none()
        {
            return Err(WebhookError::NotFound);
        }
        let (secret, sealed) = self.new_secret()?;
        let now = self.clock.now();
        let overlap =
            time::Duration::try_from(self.policy.rotation_overlap).unwrap_or(time::Duration::MAX);
        let endpoint = self
            .store
            .rotate_secret(&caller.tenant_id, id, sealed, later(now, overlap), now)
            .await?
            .ok_or(WebhookError::NotFound)?;
        Ok(CreatedEndpoint { endpoint, secret })
    }

    async fn deliveries(
        &self,
        caller: &Caller,
        id: EndpointId,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<Vec<Delivery>, WebhookError> {
        Self::admin(caller)?;
        let (limit, offset) = page(limit, offset)?;
        self.get(caller, id).await?;
        Ok(self
            .store
            .list_deliveries(&caller.tenant_id, id, limit, offset)
            .await?)
    }

    async fn retry(
        &self,
        caller: &Caller,
        id: EndpointId,
        event: EventId,
    ) -> Result<Delivery, WebhookError> {
        Self::admin(caller)?;
        self.get(caller, id).await?;
        self.store
            .retry_delivery(&caller.tenant_id, id, event, self.clock.now())
            .await?
            .ok_or(WebhookError::DeliveryNotFound)
    }
}

/// The body of a delivery: `{type, timestamp, data}`, `data` being the
/// event's data with `liveClassId` and `eventId` added.
pub fn delivery_body(due: &DueDelivery) -> Vec<u8> {
    let mut data = match &due.data {
        Value::Object(map) => map.clone(),
        other => {
            let mut map = serde_json::Map::new();
            map.insert("value".into(), other.clone());
            map
        }
    };
    data.insert("liveClassId".into(), json!(due.class_id.to_string()));
    data.insert("eventId".into(), json!(due.event_id.to_string()));
    json!({
        "type": due.event_type,
        "timestamp": format_instant(due.occurred_at),
        "data": Value::Object(data),
    })
    .to_string()
    .into_bytes()
}

/// The delivery job: claims due deliveries, signs and sends them, records
/// the outcomes.
pub struct WebhookDeliveryJobs {
    store: Arc<dyn WebhookRepository>,
    secrets: Arc<dyn SecretBox>,
    sender: Arc<dyn WebhookSender>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: WebhookPolicy,
}

impl WebhookDeliveryJobs {
    /// The job over these ports.
    pub fn new(
        store: Arc<dyn WebhookRepository>,
        secrets: Arc<dyn SecretBox>,
        sender: Arc<dyn WebhookSender>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: WebhookPolicy,
    ) -> Self {
        Self {
            store,
            secrets,
            sender,
            clock,
            ids,
            policy,
        }
    }

    /// One pass: claims due deliveries and makes one attempt of each,
    /// concurrently; how many attempts.
    ///
    /// # Errors
    /// `Store`.
    pub async fn deliver_due(&self) -> Result<usize, RepoError> {
        let now = self.clock.now();
        let lease = time::Duration::try_from(self.policy.lease).unwrap_or(time::Duration::MAX);
        let due = self
            .store
            .claim_deliveries(now, later(now, lease), self.policy.batch)
            .await?;
        let count = due.len();
        let attempts = due.into_iter().map(|d| self.attempt(d));
        let records = futures_join_all(attempts).await;
        for record in records {
            self.store.record_attempt(record).await?;
        }
        Ok(count)
    }

    /// Jitter: up to a tenth of the delay, random.
    fn jitter(&self, delay: Duration) -> Duration {
        let tenth = delay.as_millis() / 10;
        if tenth == 0 {
            return delay;
        }
        let r = self.ids.new_uuid().as_u128() % tenth;
        delay + Duration::from_millis(r as u64)
    }

    fn next_after(
        &self,
        made: u32,
        at: OffsetDateTime,
        retry_after: Option<Duration>,
    ) -> AttemptOutcome {
        match self.policy.schedule.delay_after(made) {
            None => AttemptOutcome::Failed,
            Some(delay) => {
                let mut delay = self.jitter(delay);
                if let Some(asked) = retry_after {
                    delay = delay.max(asked.min(self.policy.max_retry_after));
                }
                let delay = time::Duration::try_from(delay).unwrap_or(time::Duration::MAX);
                AttemptOutcome::RetryAt(later(at, delay))
            }
        }
    }

    async fn attempt(&self, due: DueDelivery) -> AttemptRecord {
        let made = due.attempts.saturating_add(1);
        let at = self.clock.now();
        let failed = |error: String| AttemptRecord {
            row: due.row,
            attempts: made,
            at,
            status_code: None,
            latency_ms: 0,
            error: Some(error),
            outcome: AttemptOutcome::Failed,
        };
        if !due.enabled {
            return failed("the endpoint is disabled".into());
        }
        let mut keys = Vec::new();
        for sealed in &due.secrets {
            match self.secrets.open(sealed) {
                Ok(key) => keys.push(key),
                Err(e) => {
                    tracing::error!(endpoint = %due.endpoint_id, error = %e, "webhook secret cannot be opened");
                }
            }
        }
        if keys.is_empty() {
            // Nothing can sign: retry later (a key may be configured).
            return AttemptRecord {
                outcome: self.next_after(made, at, None),
                ..failed("no signing secret can be opened (LIVECLASS_SECRETS_KEY)".into())
            };
        }
        let body = delivery_body(&due);
        let id = due.event_id.to_string();
        let timestamp = at.unix_timestamp();
        let signatures: Vec<String> = keys
            .iter()
            .map(|k| sign(k, &id, timestamp, &body))
            .collect();
        let request = WebhookRequest {
            url: due.url.clone(),
            headers: vec![
                ("webhook-id".into(), id),
                ("webhook-timestamp".into(), timestamp.to_string()),
                ("webhook-signature".into(), signatures.join(" ")),
            ],
            body,
        };
        match self.sender.send(request).await {
            SendResult::Answered {
                status,
                retry_after,
                latency,
            } => {
                let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
                let (outcome, error) = match status {
                    200..=299 => (AttemptOutcome::Delivered, None),
                    410 => (
                        AttemptOutcome::FailedAndDisable,
                        Some("410 Gone: the endpoint was disabled".to_owned()),
                    ),
                    429 | 502 | 504 => (
                        self.next_after(made, at, retry_after),
                        Some(format!("HTTP {status}")),
                    ),
                    _ => (
                        self.next_after(made, at, None),
                        Some(format!("HTTP {status}")),
                    ),
                };
                AttemptRecord {
                    row: due.row,
                    attempts: made,
                    at,
                    status_code: Some(status),
                    latency_ms,
                    error,
                    outcome,
                }
            }
            SendResult::NoAnswer { error, latency } => AttemptRecord {
                latency_ms: u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
                outcome: self.next_after(made, at, None),
                ..failed(error)
            },
        }
    }
}

/// Runs futures concurrently and collects their outputs in order (the
/// domain has no futures crate; attempts are few per pass).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, fut) in pinned.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => outputs[i] = Some(out),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::clock::FixedClock;
    use crate::ids::SequentialIds;
    use crate::webhooks::model::RetrySchedule;
    use crate::webhooks::ports::{MockSecretBox, MockWebhookRepository, MockWebhookSender};
    use time::macros::datetime;

    fn jobs(schedule: &[u32]) -> WebhookDeliveryJobs {
        WebhookDeliveryJobs::new(
            Arc::new(MockWebhookRepository::new()),
            Arc::new(MockSecretBox::new()),
            Arc::new(MockWebhookSender::new()),
            Arc::new(FixedClock::at(datetime!(2030-01-01 12:00 UTC))),
            Arc::new(SequentialIds::default()),
            WebhookPolicy {
                schedule: RetrySchedule::new(schedule).unwrap(),
                ..WebhookPolicy::default()
            },
        )
    }

    #[test]
    fn retries_follow_the_schedule_with_at_most_a_tenth_of_jitter_then_fail() {
        let j = jobs(&RetrySchedule::STANDARD);
        let at = datetime!(2030-01-01 12:00 UTC);
        let AttemptOutcome::RetryAt(next) = j.next_after(1, at, None) else {
            panic!("retry expected")
        };
        assert!(next >= at + time::Duration::seconds(5));
        assert!(next <= at + time::Duration::milliseconds(5500));
        let AttemptOutcome::RetryAt(next) = j.next_after(9, at, None) else {
            panic!("retry expected")
        };
        assert!(next >= at + time::Duration::hours(24));
        assert_eq!(j.next_after(10, at, None), AttemptOutcome::Failed);
    }

    #[test]
    fn retry_after_is_honoured_when_longer_than_the_schedule() {
        let j = jobs(&[0, 1, 1]);
        let at = datetime!(2030-01-01 12:00 UTC);
        assert_eq!(
            j.next_after(1, at, Some(Duration::from_secs(120))),
            AttemptOutcome::RetryAt(at + time::Duration::seconds(120))
        );
    }
}
