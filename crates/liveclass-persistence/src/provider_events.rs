//! [`DieselStore`] as the domain's [`ProviderEventRepository`]: the
//! `provider_events` inbox (deduplicated by its unique `(provider,
//! external_id)`, claimed through [`claim!`](crate::claim)), the
//! `provider_sessions` table, and the room → class lookup.

use anyhow::Context;
use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::LiveClass;
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::instant;
use liveclass_domain::provider_events::{
    IncomingProviderEvent, ProviderEvent, ProviderEventRepository, ProviderEventStatus,
    ProviderSession, ReceiveOutcome, RoomRef, SessionRef,
};
use liveclass_domain::store::RepoError;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use crate::backend::per_backend;
use crate::claim::claim;
use crate::connection::AnyConnection;
use crate::rows::{ClassRow, from_db_time, to_db_time};
use crate::schema::{live_classes, provider_events as inbox, provider_sessions as sessions};
use crate::store::{DieselStore, corrupt, write_transaction};

/// The longest error or note kept on a delivery.
const MAX_NOTE_CHARS: usize = 1000;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inbox)]
struct EventRow {
    id: String,
    provider: String,
    external_id: String,
    event_type: String,
    body: String,
    received_at: PrimitiveDateTime,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    due_at: Option<PrimitiveDateTime>,
    processed_at: Option<PrimitiveDateTime>,
    tenant_id: Option<String>,
    class_id: Option<String>,
}

impl TryFrom<EventRow> for ProviderEvent {
    type Error = anyhow::Error;

    fn try_from(r: EventRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: Uuid::try_parse(&r.id).context("provider_events.id")?,
            status: ProviderEventStatus::parse(&r.status)
                .with_context(|| format!("provider_events.status `{}`", r.status))?,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            received_at: from_db_time(r.received_at),
            processed_at: r.processed_at.map(from_db_time),
            tenant_id: r
                .tenant_id
                .as_deref()
                .map(TenantId::parse)
                .transpose()
                .context("provider_events.tenant_id")?,
            class_id: r
                .class_id
                .as_deref()
                .map(|raw| Uuid::try_parse(raw).map(ClassId::from_uuid))
                .transpose()
                .context("provider_events.class_id")?,
            provider: r.provider,
            external_id: r.external_id,
            event_type: r.event_type,
            body: r.body,
            last_error: r.last_error,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
struct SessionRow {
    class_id: String,
    provider: String,
    session_key: String,
    tenant_id: String,
    user_id: Option<String>,
    user_name: Option<String>,
    joined_at: Option<PrimitiveDateTime>,
    left_at: Option<PrimitiveDateTime>,
}

impl TryFrom<SessionRow> for ProviderSession {
    type Error = anyhow::Error;

    fn try_from(r: SessionRow) -> anyhow::Result<Self> {
        Ok(Self {
            class_id: ClassId::from_uuid(
                Uuid::try_parse(&r.class_id).context("provider_sessions.class_id")?,
            ),
            tenant_id: TenantId::parse(&r.tenant_id).context("provider_sessions.tenant_id")?,
            user_id: r
                .user_id
                .as_deref()
                .map(UserId::parse)
                .transpose()
                .context("provider_sessions.user_id")?,
            provider: r.provider,
            key: r.session_key,
            name: r.user_name,
            joined_at: r.joined_at.map(from_db_time),
            left_at: r.left_at.map(from_db_time),
        })
    }
}

fn to_event(row: EventRow) -> Result<ProviderEvent, DieselError> {
    ProviderEvent::try_from(row).map_err(corrupt)
}

fn note(text: String) -> String {
    text.chars().take(MAX_NOTE_CHARS).collect()
}

fn load_event(conn: &mut AnyConnection, id: &str) -> Result<Option<EventRow>, DieselError> {
    inbox::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .optional()
}

fn load_session(
    conn: &mut AnyConnection,
    class_id: &str,
    provider: &str,
    key: &str,
    lock: bool,
) -> Result<Option<SessionRow>, DieselError> {
    // Every column, in the table's order (`SessionRow`'s): no `as_select`,
    // whose type would tie the query to one backend.
    let query = sessions::table.find((class_id, provider, key));
    per_backend!(conn,
        postgres: |c| if lock {
            query.for_update().first::<SessionRow>(c).optional()
        } else {
            query.first::<SessionRow>(c).optional()
        },
        sqlite: |c| query.first::<SessionRow>(c).optional(),
    )
}

#[async_trait]
impl ProviderEventRepository for DieselStore {
    async fn record_provider_event(
        &self,
        event: &IncomingProviderEvent,
    ) -> Result<ReceiveOutcome, RepoError> {
        let received = to_db_time(event.received_at);
        let row = EventRow {
            id: Uuid::new_v4().to_string(),
            provider: event.provider.clone(),
            external_id: event.external_id.clone(),
            event_type: event.event_type.clone(),
            body: event.body.clone(),
            received_at: received,
            status: ProviderEventStatus::Received.as_str().to_owned(),
            attempts: 0,
            last_error: None,
            due_at: Some(received),
            processed_at: None,
            tenant_id: None,
            class_id: None,
        };
        self.run("record provider event", move |conn| {
            // One statement: of concurrent copies of a delivery, one inserts.
            let inserted = per_backend!(conn, |c| {
                diesel::insert_into(inbox::table)
                    .values(&row)
                    .on_conflict((inbox::provider, inbox::external_id))
                    .do_nothing()
                    .execute(c)?
            });
            if inserted == 1 {
                return Ok(ReceiveOutcome::Stored(
                    Uuid::try_parse(&row.id).map_err(|e| corrupt(e.into()))?,
                ));
            }
            let existing: String = inbox::table
                .filter(inbox::provider.eq(&row.provider))
                .filter(inbox::external_id.eq(&row.external_id))
                .select(inbox::id)
                .first(conn)?;
            Ok(ReceiveOutcome::Duplicate(
                Uuid::try_parse(&existing).map_err(|e| corrupt(e.into()))?,
            ))
        })
        .await
    }

    async fn claim_provider_events(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, RepoError> {
        let (now, until) = (to_db_time(now), to_db_time(instant::later(now, lease)));
        self.run("claim provider events", move |conn| {
            let ids: Vec<String> = claim!(conn,
                candidates: inbox::table
                    .filter(inbox::due_at.le(now))
                    .order(inbox::due_at.asc())
                    .limit(i64::from(limit))
                    .select(inbox::id),
                lease: |conn, ids: &[String]| {
                    diesel::update(inbox::table.filter(inbox::id.eq_any(ids)))
                        .set((
                            inbox::due_at.eq(Some(until)),
                            inbox::attempts.eq(inbox::attempts + 1),
                        ))
                        .execute(conn)
                },
            )?;
            let mut rows: Vec<EventRow> = inbox::table
                .filter(inbox::id.eq_any(&ids))
                .select(EventRow::as_select())
                .load(conn)?;
            // In the order claimed: oldest first.
            rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
            rows.into_iter().map(to_event).collect()
        })
        .await
    }

    async fn finish_provider_event(
        &self,
        id: Uuid,
        status: ProviderEventStatus,
        note_text: Option<String>,
        class: Option<(TenantId, ClassId)>,
        at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let id = id.to_string();
        let (tenant, class) = class
            .map(|(t, c)| (t.as_str().to_owned(), c.to_string()))
            .unzip();
        let at = to_db_time(at);
        self.run("finish provider event", move |conn| {
            diesel::update(inbox::table.find(&id))
                .set((
                    inbox::status.eq(status.as_str()),
                    inbox::due_at.eq(None::<PrimitiveDateTime>),
                    inbox::processed_at.eq(Some(at)),
                    inbox::last_error.eq(note_text.map(note)),
                    inbox::tenant_id.eq(tenant),
                    inbox::class_id.eq(class),
                ))
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn retry_provider_event(
        &self,
        id: Uuid,
        due_at: OffsetDateTime,
        error: String,
    ) -> Result<(), RepoError> {
        let (id, due_at) = (id.to_string(), to_db_time(due_at));
        self.run("retry provider event", move |conn| {
            diesel::update(inbox::table.find(&id))
                .set((
                    inbox::due_at.eq(Some(due_at)),
                    inbox::last_error.eq(Some(note(error))),
                ))
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn list_provider_events(
        &self,
        tenant: &TenantId,
        status: Option<ProviderEventStatus>,
        limit: u32,
    ) -> Result<Vec<ProviderEvent>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("list provider events", move |conn| {
            let statuses: Vec<&str> = match status {
                Some(status) => vec![status.as_str()],
                None => ProviderEventStatus::ALL
                    .map(ProviderEventStatus::as_str)
                    .to_vec(),
            };
            let rows: Vec<EventRow> = inbox::table
                .filter(inbox::tenant_id.eq(tenant))
                .filter(inbox::status.eq_any(statuses))
                .order((inbox::received_at.desc(), inbox::id.desc()))
                .limit(i64::from(limit))
                .select(EventRow::as_select())
                .load(conn)?;
            rows.into_iter().map(to_event).collect()
        })
        .await
    }

    async fn reprocess_provider_event(
        &self,
        tenant: &TenantId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<ProviderEvent>, RepoError> {
        let (tenant, id, now) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(now));
        self.run("reprocess provider event", move |conn| {
            let changed = diesel::update(
                inbox::table
                    .filter(inbox::id.eq(&id))
                    .filter(inbox::tenant_id.eq(&tenant)),
            )
            .set((
                inbox::status.eq(ProviderEventStatus::Received.as_str()),
                inbox::due_at.eq(Some(now)),
                inbox::attempts.eq(0),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Ok(None);
            }
            load_event(conn, &id)?.map(to_event).transpose()
        })
        .await
    }

    async fn class_for_room(&self, room: &RoomRef) -> Result<Option<LiveClass>, RepoError> {
        let (provider, external) = (room.provider.clone(), room.external_id.clone());
        self.run("find class by provider room", move |conn| {
            let rows: Vec<ClassRow> = live_classes::table
                .filter(live_classes::video_room_ref.eq(&external))
                .filter(live_classes::video_provider.eq(&provider))
                .select(ClassRow::as_select())
                .limit(2)
                .load(conn)?;
            if rows.len() > 1 {
                // Rooms are made per class; two classes on one room would
                // let a delivery touch the wrong one: touch neither.
                tracing::error!(%provider, room = %external, "two classes share one provider room; ignoring its webhooks");
                return Ok(None);
            }
            rows.into_iter()
                .next()
                .map(LiveClass::try_from)
                .transpose()
                .map_err(corrupt)
        })
        .await
    }

    async fn record_provider_session(
        &self,
        class: &LiveClass,
        provider: &str,
        session: &SessionRef,
        user: Option<UserId>,
        joined: Option<OffsetDateTime>,
        left: Option<OffsetDateTime>,
    ) -> Result<ProviderSession, RepoError> {
        let fresh = SessionRow {
            class_id: class.id.to_string(),
            provider: provider.to_owned(),
            session_key: session.key.clone(),
            tenant_id: class.tenant_id.as_str().to_owned(),
            user_id: user.map(|u| u.as_str().to_owned()),
            user_name: session.name.clone(),
            joined_at: joined.map(to_db_time),
            left_at: left.map(to_db_time),
        };
        self.run("record provider session", move |conn| {
            write_transaction(conn, |conn| {
                let inserted = per_backend!(conn, |c| {
                    diesel::insert_into(sessions::table)
                        .values(&fresh)
                        .on_conflict_do_nothing()
                        .execute(c)?
                });
                let key = (&fresh.class_id, &fresh.provider, &fresh.session_key);
                let stored = if inserted == 1 {
                    fresh.clone()
                } else {
                    let current = load_session(conn, key.0, key.1, key.2, true)?
                        .ok_or(DieselError::NotFound)?;
                    // The earliest join and the latest leave, whatever the
                    // order of arrival; a user or name once known stays.
                    let merged = SessionRow {
                        joined_at: earliest(current.joined_at, fresh.joined_at),
                        left_at: current.left_at.max(fresh.left_at),
                        user_id: fresh.user_id.clone().or(current.user_id),
                        user_name: fresh.user_name.clone().or(current.user_name),
                        ..current
                    };
                    diesel::update(sessions::table.find(key))
                        .set(&merged)
                        .execute(conn)?;
                    merged
                };
                ProviderSession::try_from(stored).map_err(corrupt)
            })
        })
        .await
    }

    async fn provider_sessions_of_class(
        &self,
        class_id: ClassId,
    ) -> Result<Vec<ProviderSession>, RepoError> {
        let class_id = class_id.to_string();
        self.run("list provider sessions", move |conn| {
            let rows: Vec<SessionRow> = sessions::table
                .filter(sessions::class_id.eq(&class_id))
                .order((sessions::joined_at.asc(), sessions::session_key.asc()))
                .select(SessionRow::as_select())
                .load(conn)?;
            rows.into_iter()
                .map(|r| ProviderSession::try_from(r).map_err(corrupt))
                .collect()
        })
        .await
    }

    async fn provider_sessions_of_classes(
        &self,
        class_ids: &[ClassId],
    ) -> Result<Vec<ProviderSession>, RepoError> {
        let ids: Vec<String> = class_ids.iter().map(ToString::to_string).collect();
        self.run("list provider sessions of classes", move |conn| {
            let mut all = Vec::new();
            for chunk in ids.chunks(500) {
                let rows: Vec<SessionRow> = sessions::table
                    .filter(sessions::class_id.eq_any(chunk))
                    .order((
                        sessions::class_id.asc(),
                        sessions::joined_at.asc(),
                        sessions::session_key.asc(),
                    ))
                    .select(SessionRow::as_select())
                    .load(conn)?;
                for row in rows {
                    all.push(ProviderSession::try_from(row).map_err(corrupt)?);
                }
            }
            Ok(all)
        })
        .await
    }

    async fn provider_session(
        &self,
        class_id: ClassId,
        provider: &str,
        key: &str,
    ) -> Result<Option<ProviderSession>, RepoError> {
        let (class_id, provider, key) = (class_id.to_string(), provider.to_owned(), key.to_owned());
        self.run("find provider session", move |conn| {
            load_session(conn, &class_id, &provider, &key, false)?
                .map(ProviderSession::try_from)
                .transpose()
                .map_err(corrupt)
        })
        .await
    }
}

/// The earlier of two optional instants (`None` only when both are).
fn earliest(
    a: Option<PrimitiveDateTime>,
    b: Option<PrimitiveDateTime>,
) -> Option<PrimitiveDateTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
