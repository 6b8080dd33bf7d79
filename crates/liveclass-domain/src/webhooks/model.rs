//! Webhook endpoints, their deliveries, and the retry schedule.

use std::fmt;
use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::events::{EventId, EventType};
use crate::ids::{ClassId, TenantId};
use crate::validation::{ExternalUrl, Field, ValidationError, check_text};

/// Identifies a webhook endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndpointId(Uuid);

impl EndpointId {
    /// The id of this UUID.
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an endpoint receives webhooks: an [`ExternalUrl`] of scheme `http`
/// or `https`. (Whether its host resolves to a public address is the
/// sender's check, at create/update and at every attempt.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// # Errors
    /// Not an [`ExternalUrl`], or not `http`/`https`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let url = ExternalUrl::parse(Field::WebhookUrl, raw)?;
        if !(raw.starts_with("https://") || raw.starts_with("http://")) {
            return Err(ValidationError::new(
                Field::WebhookUrl,
                "must be an http or https URL",
            ));
        }
        Ok(Self(url.as_str().to_owned()))
    }
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The event types an endpoint receives; empty means every type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventFilter(Vec<EventType>);

impl EventFilter {
    /// The most types a filter names.
    pub const MAX: usize = 64;

    /// # Errors
    /// An unknown type name, or too many.
    pub fn parse(raw: &[String]) -> Result<Self, ValidationError> {
        if raw.len() > Self::MAX {
            return Err(ValidationError::new(
                Field::EventTypes,
                format!("must list at most {} types", Self::MAX),
            ));
        }
        let mut types = Vec::new();
        for name in raw {
            let t = EventType::parse(name).ok_or_else(|| {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                ValidationError::new(
                    Field::EventTypes,
                    format!(
                        "unknown event type `{}`; known: {}",
                        crate::validation::strip_controls(name),
                        known.join(", ")
                    ),
                )
            })?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        Ok(Self(types))
    }
    /// The filter as stored: `""` for every type, else `,a,b,` (the outbox
    /// trigger matches `,type,` in it).
    pub fn to_stored(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let mut s = String::from(",");
        for t in &self.0 {
            s.push_str(t.as_str());
            s.push(',');
        }
        s
    }
    /// The filter read back; unknown names (a type since removed) are
    /// dropped.
    pub fn from_stored(raw: &str) -> Self {
        Self(
            raw.split(',')
                .filter(|s| !s.is_empty())
                .filter_map(EventType::parse)
                .collect(),
        )
    }
    /// The types (empty: every type).
    pub fn types(&self) -> &[EventType] {
        &self.0
    }
}

/// Parses an endpoint description: at most 500 characters of text.
///
/// # Errors
/// Too long or with control characters.
pub fn parse_description(raw: &str) -> Result<String, ValidationError> {
    if raw.chars().count() > 500 {
        return Err(ValidationError::new(
            Field::Description,
            "must be at most 500 characters",
        ));
    }
    check_text(Field::Description, raw, true)?;
    Ok(raw.to_owned())
}

/// A signing secret sealed for storage by a [`super::SecretBox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// Which key sealed it (for key rotation).
    pub key_id: String,
    /// Nonce and ciphertext, as the secret box wrote them.
    pub sealed: Vec<u8>,
}

/// A webhook endpoint, as stored (its secrets are never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// The id.
    pub id: EndpointId,
    /// The tenant whose events it receives.
    pub tenant_id: TenantId,
    /// Where deliveries go.
    pub url: String,
    /// Which events it receives.
    pub event_types: EventFilter,
    /// Free text.
    pub description: String,
    /// Disabled endpoints receive nothing (a `410` answer disables one).
    pub enabled: bool,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// Until when deliveries also carry the previous secret's signature
    /// (after a rotation).
    pub previous_secret_expires_at: Option<OffsetDateTime>,
}

/// A new endpoint to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEndpoint {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// Its sealed secret.
    pub secret: SealedSecret,
}

/// Changes to an endpoint (`None`: unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointChanges {
    /// A new URL.
    pub url: Option<WebhookUrl>,
    /// A new filter.
    pub event_types: Option<EventFilter>,
    /// A new description.
    pub description: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A `2xx` answer was received.
    Delivered,
    /// Every attempt failed, the endpoint answered `410`, or it was disabled.
    Failed,
}

impl DeliveryStatus {
    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
    /// The status named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// One event's delivery to one endpoint (its id is the event's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event (the `webhook-id`).
    pub event_id: EventId,
    /// The event's type.
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The last answer's status code, if an answer came.
    pub last_status_code: Option<u16>,
    /// The last attempt's duration.
    pub last_latency_ms: Option<u64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<OffsetDateTime>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When the event happened (the delivery was written then).
    pub created_at: OffsetDateTime,
}

/// A delivery claimed by the delivery job, with everything it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    /// The delivery row.
    pub row: i64,
    /// Attempts made before this one.
    pub attempts: u32,
    /// The endpoint.
    pub endpoint_id: EndpointId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Its URL.
    pub url: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// The current secret, then the previous one while its overlap runs.
    pub secrets: Vec<SealedSecret>,
    /// The event.
    pub event_id: EventId,
    /// Its class.
    pub class_id: ClassId,
    /// Its type.
    pub event_type: String,
    /// When it happened.
    pub occurred_at: OffsetDateTime,
    /// Its data (a JSON object).
    pub data: serde_json::Value,
}

/// What an attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Delivered.
    Delivered,
    /// Try again at this instant.
    RetryAt(OffsetDateTime),
    /// Give up.
    Failed,
    /// Give up and disable the endpoint (it answered `410 Gone`).
    FailedAndDisable,
}

/// An attempt's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The delivery row.
    pub row: i64,
    /// Attempts made, this one included.
    pub attempts: u32,
    /// When it was made.
    pub at: OffsetDateTime,
    /// The answer's status, if any.
    pub status_code: Option<u16>,
    /// How long it took.
    pub latency_ms: u64,
    /// Why it failed.
    pub error: Option<String>,
    /// What comes next.
    pub outcome: AttemptOutcome,
}

/// The delays before each attempt: the first is "immediately" (after the
/// event), each later one counts from the previous attempt. Standard
/// Webhooks' schedule by default (10 attempts over ~3 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: [u32; Self::MAX],
    len: usize,
}

impl RetrySchedule {
    /// The most attempts a schedule may have.
    pub const MAX: usize = 20;
    /// Standard Webhooks: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 14 h, 20 h, 24 h.
    pub const STANDARD: [u32; 10] = [
        0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400,
    ];

    /// A schedule of these delays in seconds; `None` when empty or longer
    /// than [`Self::MAX`].
    pub fn new(delays: &[u32]) -> Option<Self> {
        if delays.is_empty() || delays.len() > Self::MAX {
            return None;
        }
        let mut out = [0; Self::MAX];
        out[..delays.len()].copy_from_slice(delays);
        Some(Self {
            delays: out,
            len: delays.len(),
        })
    }
    /// How many attempts a delivery gets.
    pub fn attempts(&self) -> u32 {
        self.len as u32
    }
    /// The delay after attempt `made` (1-based) failed, or `None` when it
    /// was the last.
    pub fn delay_after(&self, made: u32) -> Option<Duration> {
        let i = made as usize;
        (i < self.len).then(|| Duration::from_secs(u64::from(self.delays[i])))
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::new(&Self::STANDARD).unwrap_or_else(|| unreachable!("the standard schedule is valid"))
    }
}

/// The webhooks' settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// The retry schedule.
    pub schedule: RetrySchedule,
    /// How long the previous secret still signs after a rotation (24 h).
    pub rotation_overlap: Duration,
    /// How long a claimed delivery is leased (longer than an attempt).
    pub lease: Duration,
    /// Deliveries claimed per pass.
    pub batch: u32,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
}

impl Default for WebhookPolicy {
    fn default() -> Self {
        Self {
            schedule: RetrySchedule::default(),
            rotation_overlap: Duration::from_secs(24 * 3600),
            lease: Duration::from_secs(60),
            batch: 32,
            max_retry_after: Duration::from_secs(24 * 3600),
        }
    }
}
