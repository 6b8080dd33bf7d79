//! [`DieselStore`] as the domain's `AutoEndRepository`: overdue live classes
//! are claimed through [`claim!`](crate::claim) with a lease in
//! `live_classes.auto_end_claimed_until`.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::auto_end::AutoEndRepository;
use liveclass_domain::class::ClassStatus;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::instant;
use liveclass_domain::store::RepoError;
use time::{Duration, OffsetDateTime};

use crate::claim::claim;
use crate::rows::{to_db_time, uuid};
use crate::schema::live_classes;
use crate::store::{DieselStore, corrupt};

#[async_trait]
impl AutoEndRepository for DieselStore {
    async fn claim_overdue_classes(
        &self,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<(TenantId, ClassId)>, RepoError> {
        let (cutoff, now_db, until) = (
            to_db_time(cutoff),
            to_db_time(now),
            to_db_time(instant::later(now, lease)),
        );
        self.run("claim overdue classes", move |conn| {
            let rows: Vec<(String, String)> = claim!(conn,
                // Index live_classes_status_scheduled_end.
                candidates: live_classes::table
                    .filter(live_classes::status.eq(ClassStatus::Live.as_str()))
                    .filter(live_classes::scheduled_end.lt(cutoff))
                    .filter(
                        live_classes::auto_end_claimed_until
                            .is_null()
                            .or(live_classes::auto_end_claimed_until.lt(now_db)),
                    )
                    .order((live_classes::scheduled_end.asc(), live_classes::id.asc()))
                    .limit(i64::from(limit))
                    .select((live_classes::tenant_id, live_classes::id)),
                lease: |conn, rows: &[(String, String)]| {
                    let ids: Vec<&str> = rows.iter().map(|(_, id)| id.as_str()).collect();
                    diesel::update(live_classes::table.filter(live_classes::id.eq_any(&ids)))
                        .set(live_classes::auto_end_claimed_until.eq(until))
                        .execute(conn)
                },
            )?;
            rows.iter()
                .map(|(tenant, id)| {
                    Ok((
                        TenantId::parse(tenant)?,
                        ClassId::from_uuid(uuid(id, "class id")?),
                    ))
                })
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }
}
