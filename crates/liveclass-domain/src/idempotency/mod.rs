//! `Idempotency-Key` (clients retry after timeouts): the same key and the
//! same request from the same user within [`IdempotencyPolicy::ttl`] gets the
//! first answer again, without the work being done twice.
//!
//! The HTTP edge fingerprints the request (method, path, body), then:
//!
//! 1. [`Idempotency::begin`] claims the key in the database (one atomic
//!    insert on the key (tenant, user, key)): the first request proceeds; a
//!    duplicate gets the stored answer when the first has finished,
//!    [`IdempotencyError::InProgress`] while it runs, and
//!    [`IdempotencyError::Reused`] when its fingerprint differs;
//! 2. the operation runs;
//! 3. [`Idempotency::finish`] stores a successful (2xx) answer for replay;
//!    any other answer is not kept ([`Idempotency::abandon`]), so a retry
//!    runs the operation again.
//!
//! A claim whose request died (the process crashed) blocks its key for
//! [`IdempotencyPolicy::in_progress_lease`], then the key can be claimed
//! again. Keys older than the TTL are free again, and pruned by a worker.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;

pub use errors::IdempotencyError;
pub use model::{ClaimOutcome, IdempotencyKey, IdempotencyPolicy, KeyClaim, StoredResponse};
pub use ports::IdempotencyRepository;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockIdempotencyRepository;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockIdempotency;
pub use service::{Begin, Idempotency, IdempotencyService};
