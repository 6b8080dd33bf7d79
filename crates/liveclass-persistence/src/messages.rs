//! [`DieselStore`] as the domain's `MessageRepository`: class chats.
//!
//! A post runs in one write transaction: the class row is locked for share
//! (PostgreSQL; SQLite's immediate transaction excludes every writer), its
//! status and the author's admission are checked, the class's
//! `class_message_heads` row is bumped (an upsert that holds the row until
//! commit, so positions are given in commit order), the message inserted
//! and `message.posted` appended. Lock order: class row, then head row; no
//! other write takes them the other way round.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::ClassStatus;
use liveclass_domain::events::{EventType, NewEvent};
use liveclass_domain::ids::{ClassId, MessageId, TenantId, UserId};
use liveclass_domain::interaction::{
    DeleteOutcome, Message, MessageKind, MessagePage, MessageRepository, NewMessage, PostGuard,
    PostOutcome,
};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::backend::per_backend;
use crate::classes::load_status;
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::{active_participation, lock_class_shared};
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{class_events, class_message_heads, class_messages, participations};
use crate::store::{DieselStore, corrupt, write_transaction};

#[derive(Queryable, Selectable)]
#[diesel(table_name = class_messages)]
struct MessageRow {
    id: String,
    tenant_id: String,
    class_id: String,
    position: i64,
    kind: String,
    author_id: String,
    author_name: Option<String>,
    body: String,
    posted_at: PrimitiveDateTime,
    deleted_at: Option<PrimitiveDateTime>,
    deleted_by: Option<String>,
}

impl TryFrom<MessageRow> for Message {
    type Error = anyhow::Error;

    fn try_from(r: MessageRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: MessageId::from_uuid(uuid(&r.id, "message id")?),
            tenant_id: TenantId::parse(&r.tenant_id)?,
            class_id: ClassId::from_uuid(uuid(&r.class_id, "class id")?),
            position: u64::try_from(r.position)?,
            kind: MessageKind::parse(&r.kind)?,
            author_id: UserId::parse(&r.author_id)?,
            author_name: r.author_name,
            text: r.body,
            posted_at: from_db_time(r.posted_at),
            deleted_at: r.deleted_at.map(from_db_time),
            deleted_by: r.deleted_by.as_deref().map(UserId::parse).transpose()?,
        })
    }
}

/// Whether `user` was removed from the class: a participation of theirs
/// ended with leave reason `removed` (a `participant.left` event with
/// `data.reason = "removed"`). **The one place** that decides it; the
/// `LIKE` only narrows the rows, the JSON decides.
pub(crate) fn removed_from_class(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &str,
) -> Result<bool, DieselError> {
    let data: Vec<String> = class_events::table
        .filter(class_events::tenant_id.eq(tenant))
        .filter(class_events::class_id.eq(class_id))
        .filter(class_events::event_type.eq(EventType::ParticipantLeft.as_str()))
        .filter(class_events::data.like("%\"removed\"%"))
        .select(class_events::data)
        .load(conn)?;
    Ok(data.iter().any(|raw| {
        serde_json::from_str::<serde_json::Value>(raw)
            .is_ok_and(|d| d["reason"] == "removed" && d["participation"]["userId"] == user)
    }))
}

/// The next position of the class's chat; holds the head row until commit.
fn next_position(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
) -> Result<i64, DieselError> {
    // `ON CONFLICT … RETURNING` needs the concrete backend.
    per_backend!(conn, |c| {
        diesel::insert_into(class_message_heads::table)
            .values((
                class_message_heads::class_id.eq(class_id),
                class_message_heads::tenant_id.eq(tenant),
                class_message_heads::last_position.eq(1_i64),
            ))
            .on_conflict(class_message_heads::class_id)
            .do_update()
            .set(class_message_heads::last_position.eq(class_message_heads::last_position + 1))
            .returning(class_message_heads::last_position)
            .get_result(c)
    })
}

fn post(
    conn: &mut AnyConnection,
    m: &NewMessage,
    guard: PostGuard,
) -> Result<PostOutcome, DieselError> {
    let (tenant, class_id) = (m.tenant_id.as_str(), m.class_id.to_string());
    if !lock_class_shared(conn, tenant, &class_id)? {
        return Ok(PostOutcome::ClassNotFound);
    }
    if load_status(conn, tenant, &class_id)? != Some(ClassStatus::Live) {
        return Ok(PostOutcome::NotLive);
    }
    if guard == PostGuard::Participant {
        let author = m.author_id.as_str();
        if removed_from_class(conn, tenant, &class_id, author)? {
            return Ok(PostOutcome::Removed);
        }
        if active_participation(conn, &class_id, author)?.is_none() {
            return Ok(PostOutcome::NotAdmitted);
        }
    }
    let position = next_position(conn, tenant, &class_id)?;
    diesel::insert_into(class_messages::table)
        .values((
            class_messages::id.eq(m.id.to_string()),
            class_messages::tenant_id.eq(tenant),
            class_messages::class_id.eq(&class_id),
            class_messages::position.eq(position),
            class_messages::kind.eq(m.kind.as_str()),
            class_messages::author_id.eq(m.author_id.as_str()),
            class_messages::author_name.eq(m.author_name.as_deref()),
            class_messages::body.eq(m.text.as_str()),
            class_messages::posted_at.eq(to_db_time(m.posted_at)),
        ))
        .execute(conn)?;
    let message = Message {
        id: m.id,
        tenant_id: m.tenant_id.clone(),
        class_id: m.class_id,
        position: u64::try_from(position).map_err(|e| corrupt(e.into()))?,
        kind: m.kind,
        author_id: m.author_id.clone(),
        author_name: m.author_name.clone(),
        text: m.text.as_str().to_owned(),
        posted_at: liveclass_domain::instant::to_utc(m.posted_at),
        deleted_at: None,
        deleted_by: None,
    };
    events::append(conn, &NewEvent::message_posted(&message))?;
    Ok(PostOutcome::Posted(message))
}

fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    by: &UserId,
    any_author: bool,
    at: OffsetDateTime,
) -> Result<DeleteOutcome, DieselError> {
    let undeleted = || {
        class_messages::table
            .filter(class_messages::tenant_id.eq(tenant))
            .filter(class_messages::class_id.eq(class_id))
            .filter(class_messages::id.eq(id))
            .filter(class_messages::deleted_at.is_null())
    };
    let Some(row) = undeleted()
        .select(MessageRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(DeleteOutcome::NotFound);
    };
    let mut message = Message::try_from(row).map_err(corrupt)?;
    if message.author_id != *by && !any_author {
        return Ok(DeleteOutcome::NotAuthor);
    }
    // Conditional: of two concurrent deletions, one changes the row.
    let changed = diesel::update(undeleted())
        .set((
            class_messages::deleted_at.eq(to_db_time(at)),
            class_messages::deleted_by.eq(by.as_str()),
            class_messages::body.eq(""),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(DeleteOutcome::NotFound);
    }
    message.deleted_at = Some(liveclass_domain::instant::to_utc(at));
    message.deleted_by = Some(by.clone());
    message.text.clear();
    events::append(conn, &NewEvent::message_deleted(&message))?;
    Ok(DeleteOutcome::Deleted(message))
}

#[async_trait]
impl MessageRepository for DieselStore {
    async fn post_message(
        &self,
        message: &NewMessage,
        guard: PostGuard,
    ) -> Result<PostOutcome, RepoError> {
        let message = message.clone();
        self.run("post message", move |conn| {
            write_transaction(conn, |conn| post(conn, &message, guard))
        })
        .await
    }

    async fn list_messages(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        after: u64,
        limit: u32,
        kinds: &[MessageKind],
    ) -> Result<MessagePage, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let kinds: Vec<&'static str> = kinds.iter().map(|k| k.as_str()).collect();
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.run("list messages", move |conn| {
            let mut query = class_messages::table
                .filter(class_messages::tenant_id.eq(&tenant))
                .filter(class_messages::class_id.eq(&class_id))
                .filter(class_messages::deleted_at.is_null())
                .filter(class_messages::position.gt(after))
                .into_boxed();
            if !kinds.is_empty() {
                query = query.filter(class_messages::kind.eq_any(kinds));
            }
            let mut messages = query
                .order(class_messages::position.asc())
                .limit(i64::from(limit) + 1)
                .select(MessageRow::as_select())
                .load(conn)?
                .into_iter()
                .map(Message::try_from)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)?;
            let has_more = messages.len() > limit as usize;
            messages.truncate(limit as usize);
            Ok(MessagePage { messages, has_more })
        })
        .await
    }

    async fn delete_message(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        by: &UserId,
        any_author: bool,
        at: OffsetDateTime,
    ) -> Result<DeleteOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (id, by) = (id.to_string(), by.clone());
        self.run("delete message", move |conn| {
            write_transaction(conn, |conn| {
                delete(conn, &tenant, &class_id, &id, &by, any_author, at)
            })
        })
        .await
    }

    async fn has_participated(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<bool, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("check participation", move |conn| {
            let found: Option<String> = participations::table
                .filter(participations::tenant_id.eq(&tenant))
                .filter(participations::class_id.eq(&class_id))
                .filter(participations::user_id.eq(&user))
                .select(participations::id)
                .first(conn)
                .optional()?;
            Ok(found.is_some())
        })
        .await
    }
}
