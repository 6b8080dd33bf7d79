//! [`DieselStore`] as the domain's `ResourceRepository`: resources shared
//! in classes (seed 003's `live_class_resources`).
//!
//! Sharing runs in one write transaction: the class row is locked for
//! share (so it cannot end meanwhile), its status checked (scheduled or
//! live), the resource inserted and `resource.shared` appended. Removal is
//! a conditional update (of concurrent removals one changes the row) and
//! appends `resource.removed`.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::ClassStatus;
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, ResourceId, TenantId, UserId};
use liveclass_domain::interaction::{
    Resource, ResourceKind, ResourceRepository, ResourceSpec, ShareOutcome,
};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::classes::load_status;
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::lock_class_shared;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::class_resources;
use crate::store::{DieselStore, corrupt, write_transaction};

#[derive(Queryable, Selectable)]
#[diesel(table_name = class_resources)]
struct ResourceRow {
    id: String,
    tenant_id: String,
    class_id: String,
    title: String,
    url: String,
    kind: String,
    shared_by: String,
    shared_by_name: Option<String>,
    shared_at: PrimitiveDateTime,
    removed_at: Option<PrimitiveDateTime>,
    removed_by: Option<String>,
}

impl TryFrom<ResourceRow> for Resource {
    type Error = anyhow::Error;

    fn try_from(r: ResourceRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: ResourceId::from_uuid(uuid(&r.id, "resource id")?),
            tenant_id: TenantId::parse(&r.tenant_id)?,
            class_id: ClassId::from_uuid(uuid(&r.class_id, "class id")?),
            // Stored after validation; read back as stored.
            spec: ResourceSpec {
                title: r.title,
                url: r.url,
                kind: ResourceKind::parse(&r.kind)?,
            },
            shared_by: UserId::parse(&r.shared_by)?,
            shared_by_name: r.shared_by_name,
            shared_at: from_db_time(r.shared_at),
            removed_at: r.removed_at.map(from_db_time),
            removed_by: r.removed_by.as_deref().map(UserId::parse).transpose()?,
        })
    }
}

fn share(conn: &mut AnyConnection, r: &Resource) -> Result<ShareOutcome, DieselError> {
    let (tenant, class_id) = (r.tenant_id.as_str(), r.class_id.to_string());
    if !lock_class_shared(conn, tenant, &class_id)? {
        return Ok(ShareOutcome::ClassNotFound);
    }
    match load_status(conn, tenant, &class_id)? {
        None => return Ok(ShareOutcome::ClassNotFound),
        Some(ClassStatus::Ended | ClassStatus::Cancelled) => {
            return Ok(ShareOutcome::ClassFinished);
        }
        Some(ClassStatus::Scheduled | ClassStatus::Live) => {}
    }
    diesel::insert_into(class_resources::table)
        .values((
            class_resources::id.eq(r.id.to_string()),
            class_resources::tenant_id.eq(tenant),
            class_resources::class_id.eq(&class_id),
            class_resources::title.eq(&r.spec.title),
            class_resources::url.eq(&r.spec.url),
            class_resources::kind.eq(r.spec.kind.as_str()),
            class_resources::shared_by.eq(r.shared_by.as_str()),
            class_resources::shared_by_name.eq(r.shared_by_name.as_deref()),
            class_resources::shared_at.eq(to_db_time(r.shared_at)),
        ))
        .execute(conn)?;
    let mut shared = r.clone();
    shared.shared_at = liveclass_domain::instant::to_utc(r.shared_at);
    events::append(conn, &NewEvent::resource_changed(&shared))?;
    Ok(ShareOutcome::Shared(Box::new(shared)))
}

fn remove(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    by: &UserId,
    at: OffsetDateTime,
) -> Result<Option<Resource>, DieselError> {
    let present = || {
        class_resources::table
            .filter(class_resources::tenant_id.eq(tenant))
            .filter(class_resources::class_id.eq(class_id))
            .filter(class_resources::id.eq(id))
            .filter(class_resources::removed_at.is_null())
    };
    // Conditional: of two concurrent removals, one changes the row.
    let changed = diesel::update(present())
        .set((
            class_resources::removed_at.eq(to_db_time(at)),
            class_resources::removed_by.eq(by.as_str()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    let row = class_resources::table
        .filter(class_resources::id.eq(id))
        .select(ResourceRow::as_select())
        .first(conn)?;
    let resource = Resource::try_from(row).map_err(corrupt)?;
    events::append(conn, &NewEvent::resource_changed(&resource))?;
    Ok(Some(resource))
}

#[async_trait]
impl ResourceRepository for DieselStore {
    async fn share_resource(&self, resource: &Resource) -> Result<ShareOutcome, RepoError> {
        let resource = resource.clone();
        self.run("share resource", move |conn| {
            write_transaction(conn, |conn| share(conn, &resource))
        })
        .await
    }

    async fn remove_resource(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: ResourceId,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Resource>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (id, by) = (id.to_string(), by.clone());
        self.run("remove resource", move |conn| {
            write_transaction(conn, |conn| remove(conn, &tenant, &class_id, &id, &by, at))
        })
        .await
    }

    async fn list_resources(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<Resource>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list resources", move |conn| {
            class_resources::table
                .filter(class_resources::tenant_id.eq(&tenant))
                .filter(class_resources::class_id.eq(&class_id))
                .filter(class_resources::removed_at.is_null())
                .order((class_resources::shared_at.asc(), class_resources::id.asc()))
                .select(ResourceRow::as_select())
                .load(conn)?
                .into_iter()
                .map(Resource::try_from)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }
}
