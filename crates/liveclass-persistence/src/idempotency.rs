//! [`DieselStore`] as the domain's `IdempotencyRepository`: the
//! `idempotency_keys` table. A key is claimed by one atomic statement (an
//! insert that does nothing on conflict, or a conditional update taking over
//! an expired or stale key), so of concurrent claims exactly one wins, in
//! one process or many.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::idempotency::{
    ClaimOutcome, IdempotencyKey, IdempotencyRepository, KeyClaim, StoredResponse,
};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::backend::per_backend;
use crate::rows::to_db_time;
use crate::schema::idempotency_keys as keys;
use crate::store::DieselStore;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = keys)]
struct NewKeyRow {
    tenant_id: String,
    user_id: String,
    idempotency_key: String,
    request_hash: String,
    created_at: PrimitiveDateTime,
}

type Found = (String, Option<i32>, Option<String>, Option<String>);

#[async_trait]
impl IdempotencyRepository for DieselStore {
    async fn claim_key(&self, claim: &KeyClaim) -> Result<ClaimOutcome, RepoError> {
        let row = NewKeyRow {
            tenant_id: claim.tenant_id.as_str().to_owned(),
            user_id: claim.user_id.as_str().to_owned(),
            idempotency_key: claim.key.as_str().to_owned(),
            request_hash: claim.fingerprint.clone(),
            created_at: to_db_time(claim.now),
        };
        let (expired, stale) = (
            to_db_time(claim.expired_before),
            to_db_time(claim.stale_before),
        );
        self.run("claim idempotency key", move |conn| {
            // A row released or pruned between the steps below: try again.
            for _ in 0..3 {
                let inserted = per_backend!(conn, |c| {
                    diesel::insert_into(keys::table)
                        .values(&row)
                        .on_conflict_do_nothing()
                        .execute(c)?
                });
                if inserted == 1 {
                    return Ok(ClaimOutcome::Claimed);
                }
                let this = || {
                    keys::table
                        .filter(keys::tenant_id.eq(&row.tenant_id))
                        .filter(keys::user_id.eq(&row.user_id))
                        .filter(keys::idempotency_key.eq(&row.idempotency_key))
                };
                // Take over a key past its TTL, or one whose request died; the
                // condition is re-checked on the row, so one taker wins.
                let taken = diesel::update(
                    this().filter(
                        keys::created_at.lt(expired).or(keys::response_status
                            .is_null()
                            .and(keys::created_at.lt(stale))),
                    ),
                )
                .set((
                    keys::request_hash.eq(&row.request_hash),
                    keys::response_status.eq(None::<i32>),
                    keys::response_body.eq(None::<String>),
                    keys::response_location.eq(None::<String>),
                    keys::created_at.eq(row.created_at),
                ))
                .execute(conn)?;
                if taken == 1 {
                    return Ok(ClaimOutcome::Claimed);
                }
                let found: Option<Found> = this()
                    .select((
                        keys::request_hash,
                        keys::response_status,
                        keys::response_body,
                        keys::response_location,
                    ))
                    .first(conn)
                    .optional()?;
                let Some((hash, status, body, location)) = found else {
                    continue;
                };
                return Ok(if hash != row.request_hash {
                    ClaimOutcome::Mismatch
                } else if let Some(status) = status {
                    ClaimOutcome::Done(StoredResponse {
                        status: u16::try_from(status).unwrap_or(500),
                        body: body.unwrap_or_default(),
                        location,
                    })
                } else {
                    ClaimOutcome::InProgress
                });
            }
            Ok(ClaimOutcome::InProgress)
        })
        .await
    }

    async fn complete_key(
        &self,
        tenant: &TenantId,
        user: &UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError> {
        let (tenant, user, key) = (
            tenant.as_str().to_owned(),
            user.as_str().to_owned(),
            key.as_str().to_owned(),
        );
        let response = response.clone();
        self.run("complete idempotency key", move |conn| {
            diesel::update(
                keys::table
                    .filter(keys::tenant_id.eq(&tenant))
                    .filter(keys::user_id.eq(&user))
                    .filter(keys::idempotency_key.eq(&key)),
            )
            .set((
                keys::response_status.eq(Some(i32::from(response.status))),
                keys::response_body.eq(Some(&response.body)),
                keys::response_location.eq(response.location.as_ref()),
            ))
            .execute(conn)
            .map(drop)
        })
        .await
    }

    async fn release_key(
        &self,
        tenant: &TenantId,
        user: &UserId,
        key: &IdempotencyKey,
    ) -> Result<(), RepoError> {
        let (tenant, user, key) = (
            tenant.as_str().to_owned(),
            user.as_str().to_owned(),
            key.as_str().to_owned(),
        );
        self.run("release idempotency key", move |conn| {
            diesel::delete(
                keys::table
                    .filter(keys::tenant_id.eq(&tenant))
                    .filter(keys::user_id.eq(&user))
                    .filter(keys::idempotency_key.eq(&key))
                    .filter(keys::response_status.is_null()),
            )
            .execute(conn)
            .map(drop)
        })
        .await
    }

    async fn prune_keys(&self, before: OffsetDateTime) -> Result<u64, RepoError> {
        let before = to_db_time(before);
        self.run("prune idempotency keys", move |conn| {
            diesel::delete(keys::table.filter(keys::created_at.lt(before)))
                .execute(conn)
                .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
        })
        .await
    }
}
