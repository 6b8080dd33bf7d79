//! Signed webhooks to the platform (Standard Webhooks): endpoints per
//! tenant, managed by organisation admins, and an outbox of deliveries.
//!
//! # The outbox
//!
//! A delivery row per matching enabled endpoint is written **by the
//! database, in the same transaction as the event** (an `AFTER INSERT`
//! trigger on `class_events`, both backends), so every write path that
//! appends an event (the repositories, PostgreSQL's `liveclass_admit`) feeds
//! the outbox without knowing about it, and a crash loses none. The
//! delivery job ([`WebhookDeliveryJobs::deliver_due`], a worker in every
//! process) claims due rows with a lease (never a high-water mark), signs
//! and sends each, and records the outcome: delivered, retried on the
//! [`RetrySchedule`], or failed.
//!
//! Webhook order is best effort (as in Standard Webhooks and Svix): a
//! delivery does not wait for the sequencer, so the body carries no `seq`;
//! `webhook-id` is the event id, stable across retries.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;
pub mod signature;

pub use errors::WebhookError;
pub use model::{
    AttemptOutcome, AttemptRecord, Delivery, DeliveryStatus, DueDelivery, EndpointChanges,
    EndpointId, EventFilter, NewEndpoint, RetrySchedule, SealedSecret, WebhookEndpoint,
    WebhookPolicy, WebhookUrl,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockSecretBox, MockWebhookRepository, MockWebhookSender};
pub use ports::{
    SecretBox, SecretError, SendResult, TargetRefused, WebhookRepository, WebhookRequest,
    WebhookSender,
};
pub use service::{CreatedEndpoint, WebhookDeliveryJobs, WebhookEndpoints, WebhookService};
