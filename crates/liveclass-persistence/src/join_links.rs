//! [`DieselStore`] as the domain's `JoinLinkRepository`.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::class::LiveClass;
use liveclass_domain::ids::TenantId;
use liveclass_domain::join_link::JoinHash;
use liveclass_domain::join_link::JoinLinkRepository;
use liveclass_domain::store::RepoError;

use crate::rows::ClassRow;
use crate::schema::live_classes;
use crate::store::{DieselStore, corrupt};

#[async_trait]
impl JoinLinkRepository for DieselStore {
    async fn find_by_join_hash(
        &self,
        tenant: &TenantId,
        hash: &JoinHash,
    ) -> Result<Option<LiveClass>, RepoError> {
        let (tenant, hash) = (tenant.as_str().to_owned(), hash.as_str().to_owned());
        self.run("find class by join hash", move |conn| {
            live_classes::table
                .filter(live_classes::join_hash.eq(&hash))
                .filter(live_classes::tenant_id.eq(&tenant))
                .select(ClassRow::as_select())
                .first(conn)
                .optional()?
                .map(LiveClass::try_from)
                .transpose()
                .map_err(corrupt)
        })
        .await
    }
}
