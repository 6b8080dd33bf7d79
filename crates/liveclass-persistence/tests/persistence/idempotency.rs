//! The idempotency key store, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use liveclass_domain::idempotency::{
    ClaimOutcome, IdempotencyKey, IdempotencyRepository, KeyClaim, StoredResponse,
};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2030-03-01 12:00 UTC);
const TTL: Duration = Duration::hours(24);
const LEASE: Duration = Duration::minutes(1);

fn who() -> (TenantId, UserId) {
    (
        TenantId::parse("tenant-a").unwrap(),
        UserId::parse("user-1").unwrap(),
    )
}

fn key_claim(user: UserId, key: &str, fp: &str, at: OffsetDateTime) -> KeyClaim {
    KeyClaim {
        tenant_id: who().0,
        user_id: user,
        key: IdempotencyKey::parse(key).unwrap(),
        fingerprint: fp.to_owned(),
        now: at,
        expired_before: at - TTL,
        stale_before: at - LEASE,
    }
}

async fn claim(store: &DieselStore, key: &str, fp: &str, at: OffsetDateTime) -> ClaimOutcome {
    store
        .claim_key(&key_claim(who().1, key, fp, at))
        .await
        .unwrap()
}

fn answer() -> StoredResponse {
    StoredResponse {
        status: 201,
        body: r#"{"id":"c1"}"#.into(),
        location: Some("/live-classes/c1".into()),
    }
}

async fn a_key_runs_once_then_replays_and_refuses_another_body(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let (tenant, user) = who();
    let key = IdempotencyKey::parse("k1").unwrap();
    assert_eq!(
        claim(&store, "k1", "fp-a", NOW).await,
        ClaimOutcome::Claimed
    );
    assert_eq!(
        claim(&store, "k1", "fp-a", NOW).await,
        ClaimOutcome::InProgress
    );
    assert_eq!(
        claim(&store, "k1", "fp-b", NOW).await,
        ClaimOutcome::Mismatch
    );
    store
        .complete_key(&tenant, &user, &key, &answer())
        .await
        .unwrap();
    // Releasing a finished key keeps its answer.
    store.release_key(&tenant, &user, &key).await.unwrap();
    let later = NOW + Duration::hours(23);
    assert_eq!(
        claim(&store, "k1", "fp-a", later).await,
        ClaimOutcome::Done(answer())
    );
    assert_eq!(
        claim(&store, "k1", "fp-b", later).await,
        ClaimOutcome::Mismatch
    );
    // Another user's (or tenant's) key of the same name is another key.
    let other = UserId::parse("user-2").unwrap();
    let outcome = store
        .claim_key(&key_claim(other, "k1", "fp-b", NOW))
        .await
        .unwrap();
    assert_eq!(outcome, ClaimOutcome::Claimed);
}

async fn a_released_stale_or_expired_key_is_free_again(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let (tenant, user) = who();
    // Released (the request failed): free at once.
    assert_eq!(
        claim(&store, "k1", "fp-a", NOW).await,
        ClaimOutcome::Claimed
    );
    store
        .release_key(&tenant, &user, &IdempotencyKey::parse("k1").unwrap())
        .await
        .unwrap();
    assert_eq!(
        claim(&store, "k1", "fp-b", NOW).await,
        ClaimOutcome::Claimed
    );
    // Unfinished past its lease (the request died): free.
    assert_eq!(
        claim(&store, "k1", "fp-c", NOW + Duration::seconds(30)).await,
        ClaimOutcome::Mismatch
    );
    assert_eq!(
        claim(&store, "k1", "fp-c", NOW + Duration::minutes(2)).await,
        ClaimOutcome::Claimed
    );
    // Finished, past its 24 hours: free; pruning deletes it.
    store
        .complete_key(
            &tenant,
            &user,
            &IdempotencyKey::parse("k1").unwrap(),
            &answer(),
        )
        .await
        .unwrap();
    let expired = NOW + Duration::hours(25);
    assert_eq!(
        claim(&store, "k1", "fp-d", expired).await,
        ClaimOutcome::Claimed
    );
    assert_eq!(
        claim(&store, "k2", "fp-a", NOW).await,
        ClaimOutcome::Claimed
    );
    assert_eq!(store.prune_keys(NOW + Duration::hours(1)).await.unwrap(), 1);
    assert_eq!(
        claim(&store, "k1", "fp-d", expired).await,
        ClaimOutcome::InProgress
    );
}

async fn concurrent_claims_of_one_key_have_one_winner(db: TestDatabase) {
    // Two stores (as two processes would have) over one database.
    let stores = [
        Arc::new(DieselStore::new(db.pool.clone())),
        Arc::new(DieselStore::new(db.pool.clone())),
    ];
    let claims: Vec<_> = (0..8)
        .map(|n| {
            let store = stores[n % 2].clone();
            tokio::spawn(async move { claim(&store, "k1", "fp-a", NOW).await })
        })
        .collect();
    let mut claimed = 0;
    for c in claims {
        match c.await.unwrap() {
            ClaimOutcome::Claimed => claimed += 1,
            ClaimOutcome::InProgress => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(claimed, 1);
}

on_both_backends!(
    a_key_runs_once_then_replays_and_refuses_another_body,
    a_released_stale_or_expired_key_is_free_again,
    concurrent_claims_of_one_key_have_one_winner,
);
