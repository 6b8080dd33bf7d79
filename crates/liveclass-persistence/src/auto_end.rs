//! [`DieselStore`] as the domain's `AutoEndRepository`.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::auto_end::AutoEndRepository;
use liveclass_domain::class::ClassStatus;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::store::RepoError;
use time::{Duration, OffsetDateTime};

use crate::connection::AnyConnection;
use crate::repository::{DieselStore, corrupt, write_transaction};
use crate::rows::{to_db_time, uuid};
use crate::schema::live_classes;

#[async_trait]
impl AutoEndRepository for DieselStore {
    async fn claim_overdue_classes(
        &self,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<(TenantId, ClassId)>, RepoError> {
        let (cutoff, now_db, until) =
            (to_db_time(cutoff), to_db_time(now), to_db_time(now + lease));
        self.run("claim overdue classes", move |conn| {
            write_transaction(conn, |conn| {
                // Index live_classes_status_scheduled_end.
                let candidates = live_classes::table
                    .filter(live_classes::status.eq(ClassStatus::Live.as_str()))
                    .filter(live_classes::scheduled_end.lt(cutoff))
                    .filter(
                        live_classes::auto_end_claimed_until
                            .is_null()
                            .or(live_classes::auto_end_claimed_until.lt(now_db)),
                    )
                    .order((live_classes::scheduled_end.asc(), live_classes::id.asc()))
                    .limit(i64::from(limit))
                    .select((live_classes::tenant_id, live_classes::id));
                // SKIP LOCKED: a concurrent claimer takes other classes instead
                // of waiting for these; SQLite's immediate transaction already
                // lets one claimer in at a time.
                let rows: Vec<(String, String)> = match conn {
                    AnyConnection::Postgresql(c) => {
                        candidates.for_update().skip_locked().load(c)?
                    }
                    AnyConnection::Sqlite(c) => candidates.load(c)?,
                };
                let ids: Vec<&str> = rows.iter().map(|(_, id)| id.as_str()).collect();
                diesel::update(live_classes::table.filter(live_classes::id.eq_any(&ids)))
                    .set(live_classes::auto_end_claimed_until.eq(until))
                    .execute(conn)?;
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
        })
        .await
    }
}
