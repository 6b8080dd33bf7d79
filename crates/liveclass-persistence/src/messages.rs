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
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, MessageId, TenantId, UserId};
use liveclass_domain::interaction::{
    DeleteOutcome, Message, MessageKind, MessagePage, MessageRepository, NewMessage, PostGuard,
    PostOutcome, QuestionSort, QuestionStatus, UpvoteOutcome,
};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::backend::per_backend;
use crate::classes::load_status;
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::{active_participation, lock_class_shared};
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{class_message_heads, class_messages, participations, question_votes};
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
    anonymous: bool,
    question_status: Option<String>,
    upvotes: i32,
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
            anonymous: r.anonymous,
            status: r
                .question_status
                .as_deref()
                .map(QuestionStatus::parse)
                .transpose()?,
            upvotes: u32::try_from(r.upvotes)?,
            text: r.body,
            posted_at: from_db_time(r.posted_at),
            deleted_at: r.deleted_at.map(from_db_time),
            deleted_by: r.deleted_by.as_deref().map(UserId::parse).transpose()?,
        })
    }
}

pub(crate) use crate::admissions::removed_from_class;

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

/// Why the class refuses `user`'s post (or vote) now, if it does: locks
/// the class row for share first (see the module docs).
pub(crate) fn refusal(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &str,
    guard: PostGuard,
) -> Result<Option<PostOutcome>, DieselError> {
    if !lock_class_shared(conn, tenant, class_id)? {
        return Ok(Some(PostOutcome::ClassNotFound));
    }
    if load_status(conn, tenant, class_id)? != Some(ClassStatus::Live) {
        return Ok(Some(PostOutcome::NotLive));
    }
    if guard == PostGuard::Participant {
        if removed_from_class(conn, tenant, class_id, user)? {
            return Ok(Some(PostOutcome::Removed));
        }
        if active_participation(conn, class_id, user)?.is_none() {
            return Ok(Some(PostOutcome::NotAdmitted));
        }
    }
    Ok(None)
}

fn post(
    conn: &mut AnyConnection,
    m: &NewMessage,
    guard: PostGuard,
) -> Result<PostOutcome, DieselError> {
    let (tenant, class_id) = (m.tenant_id.as_str(), m.class_id.to_string());
    if let Some(refused) = refusal(conn, tenant, &class_id, m.author_id.as_str(), guard)? {
        return Ok(refused);
    }
    let status = (m.kind == MessageKind::Question).then_some(QuestionStatus::Open);
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
            class_messages::anonymous.eq(m.anonymous),
            class_messages::question_status.eq(status.map(|s| s.as_str())),
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
        anonymous: m.anonymous,
        status,
        upvotes: 0,
        text: m.text.as_str().to_owned(),
        posted_at: liveclass_domain::instant::to_utc(m.posted_at),
        deleted_at: None,
        deleted_by: None,
    };
    let event = match message.kind {
        MessageKind::Chat => NewEvent::message_posted(&message),
        MessageKind::Question => NewEvent::question_asked(&message),
    };
    events::append(conn, &event)?;
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

/// The undeleted question `id` of the class.
fn find_question(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
) -> Result<Option<Message>, DieselError> {
    class_messages::table
        .filter(class_messages::tenant_id.eq(tenant))
        .filter(class_messages::class_id.eq(class_id))
        .filter(class_messages::id.eq(id))
        .filter(class_messages::kind.eq(MessageKind::Question.as_str()))
        .filter(class_messages::deleted_at.is_null())
        .select(MessageRow::as_select())
        .first(conn)
        .optional()?
        .map(Message::try_from)
        .transpose()
        .map_err(corrupt)
}

fn upvote(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    user: &str,
    guard: PostGuard,
    at: OffsetDateTime,
) -> Result<UpvoteOutcome, DieselError> {
    if let Some(refused) = refusal(conn, tenant, class_id, user, guard)? {
        return Ok(UpvoteOutcome::Refused(refused));
    }
    if find_question(conn, tenant, class_id, id)?.is_none() {
        return Ok(UpvoteOutcome::QuestionNotFound);
    }
    // The key decides: of concurrent upvotes by one user, one inserts.
    let inserted = per_backend!(conn, |c| {
        diesel::insert_into(question_votes::table)
            .values((
                question_votes::question_id.eq(id),
                question_votes::user_id.eq(user),
                question_votes::tenant_id.eq(tenant),
                question_votes::class_id.eq(class_id),
                question_votes::voted_at.eq(to_db_time(at)),
            ))
            .on_conflict_do_nothing()
            .execute(c)?
    });
    if inserted == 0 {
        return Ok(UpvoteOutcome::AlreadyUpvoted);
    }
    // One atomic increment per vote row: the count is exact.
    diesel::update(class_messages::table.filter(class_messages::id.eq(id)))
        .set(class_messages::upvotes.eq(class_messages::upvotes + 1))
        .execute(conn)?;
    let Some(question) = find_question(conn, tenant, class_id, id)? else {
        return Ok(UpvoteOutcome::QuestionNotFound);
    };
    events::append(conn, &NewEvent::question_upvoted(&question, at))?;
    Ok(UpvoteOutcome::Upvoted(question))
}

fn set_status(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    status: QuestionStatus,
    at: OffsetDateTime,
) -> Result<Option<Message>, DieselError> {
    let changed = diesel::update(
        class_messages::table
            .filter(class_messages::tenant_id.eq(tenant))
            .filter(class_messages::class_id.eq(class_id))
            .filter(class_messages::id.eq(id))
            .filter(class_messages::kind.eq(MessageKind::Question.as_str()))
            .filter(class_messages::deleted_at.is_null()),
    )
    .set(class_messages::question_status.eq(status.as_str()))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    let question = find_question(conn, tenant, class_id, id)?;
    if let Some(question) = &question {
        events::append(conn, &NewEvent::question_status_changed(question, at))?;
    }
    Ok(question)
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

    async fn list_questions(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        status: Option<QuestionStatus>,
        sort: QuestionSort,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Message>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list questions", move |conn| {
            let mut query = class_messages::table
                .filter(class_messages::tenant_id.eq(&tenant))
                .filter(class_messages::class_id.eq(&class_id))
                .filter(class_messages::kind.eq(MessageKind::Question.as_str()))
                .filter(class_messages::deleted_at.is_null())
                .into_boxed();
            if let Some(status) = status {
                query = query.filter(class_messages::question_status.eq(status.as_str()));
            }
            query = match sort {
                QuestionSort::Votes => query.order((
                    class_messages::upvotes.desc(),
                    class_messages::position.asc(),
                )),
                QuestionSort::Time => query.order(class_messages::position.asc()),
            };
            query
                .limit(i64::from(limit))
                .offset(i64::from(offset))
                .select(MessageRow::as_select())
                .load(conn)?
                .into_iter()
                .map(Message::try_from)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)
        })
        .await
    }

    async fn upvote_question(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        user: &UserId,
        guard: PostGuard,
        at: OffsetDateTime,
    ) -> Result<UpvoteOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (id, user) = (id.to_string(), user.as_str().to_owned());
        self.run("upvote question", move |conn| {
            write_transaction(conn, |conn| {
                upvote(conn, &tenant, &class_id, &id, &user, guard, at)
            })
        })
        .await
    }

    async fn set_question_status(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        status: QuestionStatus,
        at: OffsetDateTime,
    ) -> Result<Option<Message>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let id = id.to_string();
        self.run("set question status", move |conn| {
            write_transaction(conn, |conn| {
                set_status(conn, &tenant, &class_id, &id, status, at)
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
