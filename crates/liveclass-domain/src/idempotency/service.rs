//! The idempotency use case, as the HTTP edge calls it.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::IdempotencyError;
use super::model::{ClaimOutcome, IdempotencyKey, IdempotencyPolicy, KeyClaim, StoredResponse};
use super::ports::IdempotencyRepository;
use crate::caller::Caller;
use crate::clock::Clock;
use crate::store::RepoError;

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Run it, then [`Idempotency::finish`] or [`Idempotency::abandon`].
    Proceed,
    /// Answer this again; do not run it.
    Replay(StoredResponse),
}

/// `Idempotency-Key` handling; see the [module docs](super).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Idempotency: Send + Sync {
    /// Claims `key` for the caller's request with this fingerprint.
    ///
    /// # Errors
    /// `Reused`, `InProgress`, `Store`.
    async fn begin(
        &self,
        caller: &Caller,
        key: &IdempotencyKey,
        fingerprint: &str,
    ) -> Result<Begin, IdempotencyError>;

    /// Keeps a successful answer for replay.
    ///
    /// # Errors
    /// `Store`.
    async fn finish(
        &self,
        caller: &Caller,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError>;

    /// Frees the key of a request that did not succeed, so a retry runs.
    ///
    /// # Errors
    /// `Store`.
    async fn abandon(&self, caller: &Caller, key: &IdempotencyKey) -> Result<(), RepoError>;

    /// Deletes the keys past their TTL (a worker's pass); how many.
    ///
    /// # Errors
    /// `Store`.
    async fn prune(&self) -> Result<u64, RepoError>;
}

/// The idempotency use case over its store.
pub struct IdempotencyService {
    keys: Arc<dyn IdempotencyRepository>,
    clock: Arc<dyn Clock>,
    policy: IdempotencyPolicy,
}

impl IdempotencyService {
    /// The service over its store, a clock and its policy.
    pub fn new(
        keys: Arc<dyn IdempotencyRepository>,
        clock: Arc<dyn Clock>,
        policy: IdempotencyPolicy,
    ) -> Self {
        Self {
            keys,
            clock,
            policy,
        }
    }
}

#[async_trait]
impl Idempotency for IdempotencyService {
    async fn begin(
        &self,
        caller: &Caller,
        key: &IdempotencyKey,
        fingerprint: &str,
    ) -> Result<Begin, IdempotencyError> {
        let now = self.clock.now();
        let claim = KeyClaim {
            tenant_id: caller.tenant_id.clone(),
            user_id: caller.user_id.clone(),
            key: key.clone(),
            fingerprint: fingerprint.to_owned(),
            now,
            expired_before: now - self.policy.ttl,
            stale_before: now - self.policy.in_progress_lease,
        };
        let outcome = self.keys.claim_key(&claim).await?;
        match outcome {
            ClaimOutcome::Claimed => Ok(Begin::Proceed),
            ClaimOutcome::Done(response) => Ok(Begin::Replay(response)),
            ClaimOutcome::InProgress => Err(IdempotencyError::InProgress),
            ClaimOutcome::Mismatch => Err(IdempotencyError::Reused),
        }
    }

    async fn finish(
        &self,
        caller: &Caller,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError> {
        self.keys
            .complete_key(&caller.tenant_id, &caller.user_id, key, response)
            .await
    }

    async fn abandon(&self, caller: &Caller, key: &IdempotencyKey) -> Result<(), RepoError> {
        self.keys
            .release_key(&caller.tenant_id, &caller.user_id, key)
            .await
    }

    async fn prune(&self) -> Result<u64, RepoError> {
        self.keys
            .prune_keys(self.clock.now() - self.policy.ttl)
            .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    use super::*;
    use crate::caller::Role;
    use crate::clock::FixedClock;
    use crate::idempotency::ports::MockIdempotencyRepository;
    use crate::ids::{TenantId, UserId};

    const NOW: OffsetDateTime = datetime!(2030-03-01 12:00 UTC);

    fn caller() -> Caller {
        Caller {
            user_id: UserId::parse("u1").unwrap(),
            tenant_id: TenantId::parse("t1").unwrap(),
            roles: vec![Role::TrainingManager],
            name: None,
        }
    }

    fn service(keys: MockIdempotencyRepository) -> IdempotencyService {
        IdempotencyService::new(
            Arc::new(keys),
            Arc::new(FixedClock::at(NOW)),
            IdempotencyPolicy::default(),
        )
    }

    #[tokio::test]
    async fn a_claim_is_the_callers_with_a_24_hour_ttl_and_a_1_minute_lease() {
        let mut keys = MockIdempotencyRepository::new();
        keys.expect_claim_key()
            .withf(|c| {
                c.tenant_id.as_str() == "t1"
                    && c.user_id.as_str() == "u1"
                    && c.key.as_str() == "k"
                    && c.fingerprint == "fp"
                    && c.now == NOW
                    && c.expired_before == NOW - Duration::hours(24)
                    && c.stale_before == NOW - Duration::minutes(1)
            })
            .times(1)
            .returning(|_| Ok(ClaimOutcome::Claimed));
        let key = IdempotencyKey::parse("k").unwrap();
        let begun = service(keys).begin(&caller(), &key, "fp").await.unwrap();
        assert_eq!(begun, Begin::Proceed);
    }

    #[tokio::test]
    async fn each_claim_outcome_maps_to_its_answer() {
        let stored = StoredResponse {
            status: 201,
            body: "{}".into(),
            location: None,
        };
        let cases = [
            (
                ClaimOutcome::Done(stored.clone()),
                Ok(Begin::Replay(stored)),
            ),
            (ClaimOutcome::InProgress, Err("in progress")),
            (ClaimOutcome::Mismatch, Err("reused")),
        ];
        for (outcome, expected) in cases {
            let mut keys = MockIdempotencyRepository::new();
            keys.expect_claim_key()
                .returning(move |_| Ok(outcome.clone()));
            let key = IdempotencyKey::parse("k").unwrap();
            let got = service(keys).begin(&caller(), &key, "fp").await;
            match (got, expected) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(IdempotencyError::InProgress), Err("in progress"))
                | (Err(IdempotencyError::Reused), Err("reused")) => {}
                (got, expected) => panic!("{got:?} for {expected:?}"),
            }
        }
    }

    #[tokio::test]
    async fn pruning_deletes_keys_older_than_the_ttl() {
        let mut keys = MockIdempotencyRepository::new();
        keys.expect_prune_keys()
            .withf(|before| *before == NOW - Duration::hours(24))
            .times(1)
            .returning(|_| Ok(3));
        assert_eq!(service(keys).prune().await.unwrap(), 3);
    }
}
