//! [`DieselStore`] as the domain's `CalendarTokenRepository`.

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::calendar::{CalendarTokenHash, CalendarTokenRepository, TokenOwner};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::rows::to_db_time;
use crate::schema::calendar_tokens;
use crate::store::{DieselStore, corrupt};

#[async_trait]
impl CalendarTokenRepository for DieselStore {
    async fn insert(
        &self,
        hash: &CalendarTokenHash,
        owner: &TokenOwner,
        at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let row = (
            calendar_tokens::token_hash.eq(hash.as_str().to_owned()),
            calendar_tokens::tenant_id.eq(owner.tenant_id.as_str().to_owned()),
            calendar_tokens::user_id.eq(owner.user_id.as_str().to_owned()),
            calendar_tokens::created_at.eq(to_db_time(at)),
        );
        self.run("insert calendar token", move |conn| {
            diesel::insert_into(calendar_tokens::table)
                .values(row)
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn owner(&self, hash: &CalendarTokenHash) -> Result<Option<TokenOwner>, RepoError> {
        let hash = hash.as_str().to_owned();
        self.run("find calendar token", move |conn| {
            let found: Option<(String, String)> = calendar_tokens::table
                .filter(calendar_tokens::token_hash.eq(&hash))
                .filter(calendar_tokens::revoked_at.is_null())
                .select((calendar_tokens::tenant_id, calendar_tokens::user_id))
                .first(conn)
                .optional()?;
            found
                .map(|(tenant, user)| {
                    Ok(TokenOwner {
                        tenant_id: TenantId::parse(&tenant)?,
                        user_id: UserId::parse(&user)?,
                    })
                })
                .transpose()
                .map_err(|e: liveclass_domain::ValidationError| corrupt(e.into()))
        })
        .await
    }

    async fn revoke_all(&self, owner: &TokenOwner, at: OffsetDateTime) -> Result<u32, RepoError> {
        let (tenant, user) = (
            owner.tenant_id.as_str().to_owned(),
            owner.user_id.as_str().to_owned(),
        );
        let at = to_db_time(at);
        self.run("revoke calendar tokens", move |conn| {
            diesel::update(
                calendar_tokens::table
                    .filter(calendar_tokens::tenant_id.eq(&tenant))
                    .filter(calendar_tokens::user_id.eq(&user))
                    .filter(calendar_tokens::revoked_at.is_null()),
            )
            .set(calendar_tokens::revoked_at.eq(Some(at)))
            .execute(conn)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        })
        .await
    }
}
