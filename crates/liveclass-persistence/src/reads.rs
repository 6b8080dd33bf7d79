//! [`DieselStore`] as the domain's `ReadRepository`: read marks and unread
//! counts.
//!
//! A mark inserts the user's row once, then updates it only to a larger
//! position (a conditional update), so it only moves forward whatever the
//! order concurrent marks commit in.
//! The unread counts of a page of classes are one grouped query over
//! `class_messages` (its `(tenant_id, class_id, position)` index) left-joined
//! to the user's marks.

use async_trait::async_trait;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::interaction::{ReadRepository, ReadUpTo};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::rows::{to_db_time, uuid};
use crate::schema::{class_message_heads, class_message_reads, class_messages};
use crate::store::{DieselStore, corrupt, write_transaction};

fn mark(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &str,
    up_to: ReadUpTo,
    at: OffsetDateTime,
) -> Result<Option<u64>, DieselError> {
    let position = match up_to {
        ReadUpTo::Position(p) => i64::try_from(p).unwrap_or(i64::MAX),
        ReadUpTo::Message(id) => {
            let found: Option<i64> = class_messages::table
                .filter(class_messages::tenant_id.eq(tenant))
                .filter(class_messages::class_id.eq(class_id))
                .filter(class_messages::id.eq(id.to_string()))
                .select(class_messages::position)
                .first(conn)
                .optional()?;
            let Some(position) = found else {
                return Ok(None);
            };
            position
        }
    };
    // Never past the chat's last message.
    let last: Option<i64> = class_message_heads::table
        .filter(class_message_heads::class_id.eq(class_id))
        .filter(class_message_heads::tenant_id.eq(tenant))
        .select(class_message_heads::last_position)
        .first(conn)
        .optional()?;
    let position = position.min(last.unwrap_or(0));
    // First mark: a row; later ones: a conditional update, so the mark
    // only moves forward whatever order concurrent marks commit in.
    per_backend!(conn, |c| {
        diesel::insert_into(class_message_reads::table)
            .values((
                class_message_reads::class_id.eq(class_id),
                class_message_reads::user_id.eq(user),
                class_message_reads::tenant_id.eq(tenant),
                class_message_reads::last_position.eq(position),
                class_message_reads::read_at.eq(to_db_time(at)),
            ))
            .on_conflict_do_nothing()
            .execute(c)?
    });
    diesel::update(
        class_message_reads::table
            .filter(class_message_reads::class_id.eq(class_id))
            .filter(class_message_reads::user_id.eq(user))
            .filter(class_message_reads::last_position.lt(position)),
    )
    .set((
        class_message_reads::last_position.eq(position),
        class_message_reads::read_at.eq(to_db_time(at)),
    ))
    .execute(conn)?;
    let stored: i64 = class_message_reads::table
        .filter(class_message_reads::class_id.eq(class_id))
        .filter(class_message_reads::user_id.eq(user))
        .select(class_message_reads::last_position)
        .first(conn)?;
    u64::try_from(stored)
        .map(Some)
        .map_err(|e| corrupt(e.into()))
}

#[async_trait]
impl ReadRepository for DieselStore {
    async fn mark_read(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        up_to: ReadUpTo,
        at: OffsetDateTime,
    ) -> Result<Option<u64>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("mark chat read", move |conn| {
            write_transaction(conn, |conn| {
                mark(conn, &tenant, &class_id, &user, up_to, at)
            })
        })
        .await
    }

    async fn unread_counts(
        &self,
        tenant: &TenantId,
        user: &UserId,
        classes: &[ClassId],
    ) -> Result<Vec<(ClassId, u64)>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        let user = user.as_str().to_owned();
        let ids: Vec<String> = classes.iter().map(ToString::to_string).collect();
        self.run("count unread messages", move |conn| {
            let rows: Vec<(String, i64)> = class_messages::table
                .left_join(
                    class_message_reads::table.on(class_message_reads::class_id
                        .eq(class_messages::class_id)
                        .and(class_message_reads::user_id.eq(&user))),
                )
                .filter(class_messages::tenant_id.eq(&tenant))
                .filter(class_messages::class_id.eq_any(&ids))
                .filter(class_messages::deleted_at.is_null())
                .filter(class_messages::author_id.ne(&user))
                .filter(
                    class_message_reads::last_position.nullable().is_null().or(
                        class_messages::position
                            .nullable()
                            .gt(class_message_reads::last_position.nullable()),
                    ),
                )
                .group_by(class_messages::class_id)
                .select((class_messages::class_id, count_star()))
                .load(conn)?;
            rows.into_iter()
                .map(|(id, n)| {
                    let id = ClassId::from_uuid(uuid(&id, "class id").map_err(corrupt)?);
                    Ok((id, u64::try_from(n).map_err(|e| corrupt(e.into()))?))
                })
                .collect()
        })
        .await
    }
}
