//! [`DieselStore`] as the domain's `AutoEndRepository`.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::auto_end::AutoEndRepository;
use liveclass_domain::class::{ClassStatus, RepoError};
use liveclass_domain::ids::{ClassId, TenantId};
use time::OffsetDateTime;

use crate::repository::{DieselStore, corrupt};
use crate::rows::{to_db_time, uuid};
use crate::schema::live_classes;

#[async_trait]
impl AutoEndRepository for DieselStore {
    async fn overdue_live_classes(
        &self,
        cutoff: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<(TenantId, ClassId)>, RepoError> {
        let cutoff = to_db_time(cutoff);
        self.run("list overdue classes", move |conn| {
            // Index live_classes_status_scheduled_end.
            let rows: Vec<(String, String)> = live_classes::table
                .filter(live_classes::status.eq(ClassStatus::Live.as_str()))
                .filter(live_classes::scheduled_end.lt(cutoff))
                .order((live_classes::scheduled_end.asc(), live_classes::id.asc()))
                .limit(i64::from(limit))
                .select((live_classes::tenant_id, live_classes::id))
                .load(conn)?;
            rows.into_iter()
                .map(|(tenant, id)| {
                    Ok((
                        TenantId::parse(&tenant)?,
                        ClassId::from_uuid(uuid(&id, "class id")?),
                    ))
                })
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }
}
