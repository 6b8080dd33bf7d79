//! [`WebhookRepository`] for [`DieselStore`]: endpoints, and the outbox of
//! deliveries that a trigger on `class_events` fills in the event's own
//! transaction (see the `webhooks` migration).

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::events::EventId;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::store::RepoError;
use liveclass_domain::webhooks::{
    AttemptOutcome, AttemptRecord, Delivery, DeliveryStatus, DueDelivery, EndpointChanges,
    EndpointId, EventFilter, NewEndpoint, SealedSecret, WebhookEndpoint, WebhookRepository,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::claim::claim;
use crate::connection::AnyConnection;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{class_events, webhook_deliveries as wd, webhook_endpoints as we};
use crate::store::{DieselStore, corrupt, write_transaction};

type EndpointRow = (
    String,
    String,
    String,
    String,
    String,
    bool,
    PrimitiveDateTime,
    PrimitiveDateTime,
    Option<PrimitiveDateTime>,
);

macro_rules! endpoint_columns {
    () => {
        (
            we::id,
            we::tenant_id,
            we::url,
            we::event_types,
            we::description,
            we::enabled,
            we::created_at,
            we::updated_at,
            we::previous_secret_expires_at,
        )
    };
}

fn endpoint_from_row(row: EndpointRow) -> anyhow::Result<WebhookEndpoint> {
    let (id, tenant, url, types, description, enabled, created, updated, prev) = row;
    Ok(WebhookEndpoint {
        id: EndpointId::from_uuid(uuid(&id, "webhook_endpoints.id")?),
        tenant_id: TenantId::parse(&tenant)?,
        url,
        event_types: EventFilter::from_stored(&types),
        description,
        enabled,
        created_at: from_db_time(created),
        updated_at: from_db_time(updated),
        previous_secret_expires_at: prev.map(from_db_time),
    })
}

fn find(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<WebhookEndpoint>, DieselError> {
    we::table
        .filter(we::tenant_id.eq(tenant))
        .filter(we::id.eq(id))
        .select(endpoint_columns!())
        .first::<EndpointRow>(conn)
        .optional()?
        .map(endpoint_from_row)
        .transpose()
        .map_err(corrupt)
}

type DeliveryRow = (
    String,
    String,
    String,
    i32,
    Option<i32>,
    Option<i64>,
    Option<String>,
    Option<PrimitiveDateTime>,
    Option<PrimitiveDateTime>,
    PrimitiveDateTime,
);

macro_rules! delivery_columns {
    () => {
        (
            wd::event_id,
            wd::event_type,
            wd::status,
            wd::attempts,
            wd::last_status_code,
            wd::last_latency_ms,
            wd::last_error,
            wd::last_attempt_at,
            wd::next_attempt_at,
            wd::created_at,
        )
    };
}

fn delivery_from_row(row: DeliveryRow) -> anyhow::Result<Delivery> {
    let (event_id, event_type, status, attempts, code, latency, error, last, next, created) = row;
    let status = DeliveryStatus::parse(&status)
        .ok_or_else(|| anyhow::anyhow!("unknown delivery status `{status}`"))?;
    Ok(Delivery {
        event_id: EventId::from_uuid(uuid(&event_id, "webhook_deliveries.event_id")?),
        event_type,
        status,
        attempts: u32::try_from(attempts)?,
        last_status_code: code.map(u16::try_from).transpose()?,
        last_latency_ms: latency.map(u64::try_from).transpose()?,
        last_error: error,
        last_attempt_at: last.map(from_db_time),
        next_attempt_at: if status == DeliveryStatus::Pending {
            next.map(from_db_time)
        } else {
            None
        },
        created_at: from_db_time(created),
    })
}

fn seal_text(s: &SealedSecret) -> String {
    STANDARD.encode(&s.sealed)
}

fn sealed(key_id: String, text: &str) -> anyhow::Result<SealedSecret> {
    Ok(SealedSecret {
        key_id,
        sealed: STANDARD.decode(text)?,
    })
}

type DueRow = (
    i64,
    i32,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<PrimitiveDateTime>,
    String,
    String,
    String,
    PrimitiveDateTime,
    String,
    bool,
);

fn claim_due(
    conn: &mut AnyConnection,
    now: PrimitiveDateTime,
    until: PrimitiveDateTime,
    limit: i64,
) -> Result<Vec<DueDelivery>, DieselError> {
    // Most passes find nothing due: a plain read first, so they never take
    // SQLite's write lock (or PostgreSQL row locks) for nothing.
    let due: Option<i64> = wd::table
        .filter(wd::status.eq("pending"))
        .filter(wd::next_attempt_at.le(now))
        .select(wd::id)
        .first(conn)
        .optional()?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = claim!(conn,
        candidates: wd::table
            .filter(wd::status.eq("pending"))
            .filter(wd::next_attempt_at.le(now))
            // Only numbered events: the sequencer completes their data
            // (a participant event's activeCount), ~100 ms after commit.
            .filter(diesel::dsl::exists(
                class_events::table
                    .filter(class_events::id.eq(wd::event_id))
                    .filter(class_events::seq.is_not_null()),
            ))
            .order(wd::next_attempt_at.asc())
            .limit(limit)
            .select(wd::id),
        lease: |conn, ids: &[i64]| {
            diesel::update(wd::table.filter(wd::id.eq_any(ids)))
                .set(wd::next_attempt_at.eq(until))
                .execute(conn)
        },
    )?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<DueRow> = wd::table
        .inner_join(
            we::table.on(we::id
                .eq(wd::endpoint_id)
                .and(we::tenant_id.eq(wd::tenant_id))),
        )
        .inner_join(class_events::table.on(class_events::id.eq(wd::event_id)))
        .filter(wd::id.eq_any(&ids))
        .select((
            wd::id,
            wd::attempts,
            we::id,
            we::tenant_id,
            we::url,
            we::secret_key_id,
            we::previous_secret_key_id,
            we::previous_secret_sealed,
            we::previous_secret_expires_at,
            we::secret_sealed,
            class_events::class_id,
            class_events::event_type,
            class_events::occurred_at,
            class_events::data,
            we::enabled,
        ))
        .load(conn)?;
    // A claimed row without its endpoint (deleted meanwhile) or its event
    // (pruned before a manual retry) cannot be delivered: it fails, saying
    // why, and goes with the finished deliveries' pruning.
    let found: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let orphans: Vec<i64> = ids.into_iter().filter(|id| !found.contains(id)).collect();
    if !orphans.is_empty() {
        diesel::update(wd::table.filter(wd::id.eq_any(&orphans)))
            .set((
                wd::status.eq(DeliveryStatus::Failed.as_str()),
                wd::next_attempt_at.eq(None::<PrimitiveDateTime>),
                wd::last_error.eq("the event is no longer kept, or the endpoint was deleted"),
            ))
            .execute(conn)?;
    }
    let event_ids: Vec<(i64, String)> = wd::table
        .filter(wd::id.eq_any(&found))
        .select((wd::id, wd::event_id))
        .load(conn)?;
    rows.into_iter()
        .map(|r| -> anyhow::Result<DueDelivery> {
            let (
                row,
                attempts,
                endpoint_id,
                tenant,
                url,
                key_id,
                prev_key,
                prev_sealed,
                prev_until,
                secret,
                class_id,
                event_type,
                occurred_at,
                data,
                enabled,
            ) = r;
            let mut secrets = vec![sealed(key_id, &secret)?];
            if let (Some(k), Some(s), Some(until)) = (prev_key, prev_sealed, prev_until)
                && until > now
            {
                secrets.push(sealed(k, &s)?);
            }
            let event_id = event_ids
                .iter()
                .find(|(id, _)| *id == row)
                .map(|(_, e)| e.clone())
                .ok_or_else(|| anyhow::anyhow!("claimed delivery {row} vanished"))?;
            Ok(DueDelivery {
                row,
                attempts: u32::try_from(attempts)?,
                endpoint_id: EndpointId::from_uuid(uuid(&endpoint_id, "webhook_endpoints.id")?),
                tenant_id: TenantId::parse(&tenant)?,
                url,
                enabled,
                secrets,
                event_id: EventId::from_uuid(uuid(&event_id, "webhook_deliveries.event_id")?),
                class_id: ClassId::from_uuid(uuid(&class_id, "class_events.class_id")?),
                event_type,
                occurred_at: from_db_time(occurred_at),
                data: serde_json::from_str(&data)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(corrupt)
}

fn record(conn: &mut AnyConnection, r: &AttemptRecord) -> Result<(), DieselError> {
    write_transaction(conn, |conn| {
        let (status, next) = match r.outcome {
            AttemptOutcome::Delivered => (DeliveryStatus::Delivered, None),
            AttemptOutcome::RetryAt(at) => (DeliveryStatus::Pending, Some(to_db_time(at))),
            AttemptOutcome::Failed | AttemptOutcome::FailedAndDisable => {
                (DeliveryStatus::Failed, None)
            }
        };
        diesel::update(wd::table.filter(wd::id.eq(r.row)))
            .set((
                wd::status.eq(status.as_str()),
                wd::attempts.eq(i32::try_from(r.attempts).unwrap_or(i32::MAX)),
                wd::next_attempt_at.eq(next),
                wd::last_attempt_at.eq(Some(to_db_time(r.at))),
                wd::last_status_code.eq(r.status_code.map(i32::from)),
                wd::last_latency_ms.eq(Some(i64::try_from(r.latency_ms).unwrap_or(i64::MAX))),
                wd::last_error.eq(r.error.as_deref()),
            ))
            .execute(conn)?;
        if r.outcome == AttemptOutcome::FailedAndDisable {
            let endpoint: Option<String> = wd::table
                .filter(wd::id.eq(r.row))
                .select(wd::endpoint_id)
                .first(conn)
                .optional()?;
            if let Some(endpoint) = endpoint {
                diesel::update(we::table.filter(we::id.eq(endpoint)))
                    .set((we::enabled.eq(false), we::updated_at.eq(to_db_time(r.at))))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

#[async_trait]
impl WebhookRepository for DieselStore {
    async fn create_endpoint(&self, new: NewEndpoint) -> Result<(), RepoError> {
        self.run("create webhook endpoint", move |conn| {
            let e = &new.endpoint;
            diesel::insert_into(we::table)
                .values((
                    we::id.eq(e.id.to_string()),
                    we::tenant_id.eq(e.tenant_id.as_str()),
                    we::url.eq(&e.url),
                    we::event_types.eq(e.event_types.to_stored()),
                    we::description.eq(&e.description),
                    we::enabled.eq(e.enabled),
                    we::secret_key_id.eq(&new.secret.key_id),
                    we::secret_sealed.eq(seal_text(&new.secret)),
                    we::created_at.eq(to_db_time(e.created_at)),
                    we::updated_at.eq(to_db_time(e.updated_at)),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    async fn list_endpoints(&self, tenant: &TenantId) -> Result<Vec<WebhookEndpoint>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("list webhook endpoints", move |conn| {
            we::table
                .filter(we::tenant_id.eq(&tenant))
                .order((we::created_at.asc(), we::id.asc()))
                .select(endpoint_columns!())
                .load::<EndpointRow>(conn)?
                .into_iter()
                .map(endpoint_from_row)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }

    async fn find_endpoint(
        &self,
        tenant: &TenantId,
        id: EndpointId,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("read webhook endpoint", move |conn| {
            find(conn, &tenant, &id.to_string())
        })
        .await
    }

    async fn update_endpoint(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        changes: EndpointChanges,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("update webhook endpoint", move |conn| {
            write_transaction(conn, |conn| {
                let id = id.to_string();
                let target = we::table
                    .filter(we::tenant_id.eq(&tenant))
                    .filter(we::id.eq(&id));
                let n = diesel::update(target)
                    .set(we::updated_at.eq(to_db_time(now)))
                    .execute(conn)?;
                if n == 0 {
                    return Ok(None);
                }
                if let Some(url) = &changes.url {
                    diesel::update(target)
                        .set(we::url.eq(url.as_str()))
                        .execute(conn)?;
                }
                if let Some(types) = &changes.event_types {
                    diesel::update(target)
                        .set(we::event_types.eq(types.to_stored()))
                        .execute(conn)?;
                }
                if let Some(d) = &changes.description {
                    diesel::update(target)
                        .set(we::description.eq(d))
                        .execute(conn)?;
                }
                if let Some(enabled) = changes.enabled {
                    diesel::update(target)
                        .set(we::enabled.eq(enabled))
                        .execute(conn)?;
                }
                find(conn, &tenant, &id)
            })
        })
        .await
    }

    async fn delete_endpoint(&self, tenant: &TenantId, id: EndpointId) -> Result<bool, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("delete webhook endpoint", move |conn| {
            write_transaction(conn, |conn| {
                let id = id.to_string();
                let n = diesel::delete(
                    we::table
                        .filter(we::tenant_id.eq(&tenant))
                        .filter(we::id.eq(&id)),
                )
                .execute(conn)?;
                diesel::delete(
                    wd::table
                        .filter(wd::tenant_id.eq(&tenant))
                        .filter(wd::endpoint_id.eq(&id)),
                )
                .execute(conn)?;
                Ok(n > 0)
            })
        })
        .await
    }

    async fn rotate_secret(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        secret: SealedSecret,
        previous_until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("rotate webhook secret", move |conn| {
            write_transaction(conn, |conn| {
                let id = id.to_string();
                let target = we::table
                    .filter(we::tenant_id.eq(&tenant))
                    .filter(we::id.eq(&id));
                let current: Option<(String, String)> = target
                    .select((we::secret_key_id, we::secret_sealed))
                    .first(conn)
                    .optional()?;
                let Some((old_key, old_sealed)) = current else {
                    return Ok(None);
                };
                diesel::update(target)
                    .set((
                        we::previous_secret_key_id.eq(Some(old_key)),
                        we::previous_secret_sealed.eq(Some(old_sealed)),
                        we::previous_secret_expires_at.eq(Some(to_db_time(previous_until))),
                        we::secret_key_id.eq(&secret.key_id),
                        we::secret_sealed.eq(seal_text(&secret)),
                        we::updated_at.eq(to_db_time(now)),
                    ))
                    .execute(conn)?;
                find(conn, &tenant, &id)
            })
        })
        .await
    }

    async fn list_deliveries(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Delivery>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("list webhook deliveries", move |conn| {
            wd::table
                .filter(wd::tenant_id.eq(&tenant))
                .filter(wd::endpoint_id.eq(id.to_string()))
                .order((wd::created_at.desc(), wd::id.desc()))
                .limit(i64::from(limit))
                .offset(i64::from(offset))
                .select(delivery_columns!())
                .load::<DeliveryRow>(conn)?
                .into_iter()
                .map(delivery_from_row)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }

    async fn retry_delivery(
        &self,
        tenant: &TenantId,
        id: EndpointId,
        event: EventId,
        now: OffsetDateTime,
    ) -> Result<Option<Delivery>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("retry webhook delivery", move |conn| {
            write_transaction(conn, |conn| {
                let (endpoint, event) = (id.to_string(), event.to_string());
                let target = wd::table
                    .filter(wd::tenant_id.eq(&tenant))
                    .filter(wd::endpoint_id.eq(&endpoint))
                    .filter(wd::event_id.eq(&event));
                // Attempts restart: a retried delivery gets the whole
                // schedule again.
                diesel::update(target)
                    .set((
                        wd::status.eq(DeliveryStatus::Pending.as_str()),
                        wd::attempts.eq(0),
                        wd::next_attempt_at.eq(Some(to_db_time(now))),
                    ))
                    .execute(conn)?;
                target
                    .select(delivery_columns!())
                    .first::<DeliveryRow>(conn)
                    .optional()?
                    .map(delivery_from_row)
                    .transpose()
                    .map_err(corrupt)
            })
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, RepoError> {
        let (now, until) = (to_db_time(now), to_db_time(lease_until));
        self.run("claim webhook deliveries", move |conn| {
            claim_due(conn, now, until, i64::from(limit))
        })
        .await
    }

    async fn record_attempt(&self, r: AttemptRecord) -> Result<(), RepoError> {
        self.run("record webhook attempt", move |conn| record(conn, &r))
            .await
    }
}
