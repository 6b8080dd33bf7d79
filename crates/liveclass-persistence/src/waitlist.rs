//! The waitlist's seat hand-over, on both backends (issue 12).
//!
//! # The contract
//!
//! **No seat stays free while someone waits**, and **the first in line takes
//! it**: every transaction that frees a seat (a leave, a removal, a
//! withdrawn approval) or adds seats (a capacity increase) calls
//! [`fill_free_seats`] before it commits, which admits the users at the head
//! of the line into the free seats, in line order, each exactly once
//! (the entry row is locked and moved to `admitted`). Both take the class's
//! **line lock** first ([`lock_line`]: on PostgreSQL a transaction-level
//! advisory lock, held until commit), and a user gets in line only under it
//! and only when the class is still full (`liveclass_admit` on PostgreSQL,
//! [`enter_sqlite`] under SQLite's one writer), so the two never miss each
//! other: see the migration `2026-12-01-121000_approval_bans_waitlist`.
//! Joins never take the line lock; leaves of one class take turns on it.
//!
//! A user in line never takes a seat by joining (the admission answers
//! `Waiting`), so a promotion never meets an active participation of the same
//! user made by a concurrent join. When the class ends or is cancelled,
//! [`close_line`] closes every waiting entry.
//!
//! Lock order (as in `admission`): the user's admission lock, the class
//! row, the line lock, then seat, waitlist and participation rows.

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::admission::{WaitStatus, WaitlistEntry};
use liveclass_domain::class::{ParticipantRole, Participation};
use liveclass_domain::events::{EventType, NewEvent};
use liveclass_domain::ids::{ClassId, ParticipationId, TenantId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::admission::FIRST_GUEST_SEAT;
use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::events;
use crate::rows::{NewParticipationRow, ParticipationRow, from_db_time, to_db_time};
use crate::schema::{class_seats, live_classes, participations, waitlist_entries};
use crate::store::corrupt;

/// Takes the class's line lock until commit (see the module docs): every
/// transaction that frees or adds a seat takes it before freeing one, like
/// `liveclass_admit` before it puts a user in line. SQLite: nothing (one
/// writer).
pub(crate) fn lock_line(conn: &mut AnyConnection, class_id: &str) -> Result<(), DieselError> {
    per_backend!(conn,
        postgres: |c| {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('waitlist/' || $1, 0))")
                .bind::<diesel::sql_types::Text, _>(class_id)
                .execute(c)
                .map(drop)
        },
        sqlite: |_| Ok(()),
    )
}

/// A stored waitlist entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = waitlist_entries)]
pub(crate) struct EntryRow {
    pub id: String,
    pub class_id: String,
    pub user_id: String,
    pub user_name: Option<String>,
    pub seq: i64,
    pub status: String,
    pub entered_at: time::PrimitiveDateTime,
    pub resolved_at: Option<time::PrimitiveDateTime>,
    pub participation_id: Option<String>,
}

impl EntryRow {
    /// The entry, with its position when it is waiting.
    pub(crate) fn into_entry(self, position: Option<u64>) -> Result<WaitlistEntry, DieselError> {
        let uuid = |raw: &str| Uuid::try_parse(raw).map_err(|e| corrupt(e.into()));
        Ok(WaitlistEntry {
            id: uuid(&self.id)?,
            class_id: ClassId::from_uuid(uuid(&self.class_id)?),
            user_id: UserId::parse(&self.user_id).map_err(|e| corrupt(e.into()))?,
            user_name: self.user_name,
            status: WaitStatus::parse(&self.status).ok_or_else(|| {
                corrupt(anyhow::anyhow!("unknown waitlist status `{}`", self.status))
            })?,
            position,
            entered_at: from_db_time(self.entered_at),
            resolved_at: self.resolved_at.map(from_db_time),
            participation_id: self
                .participation_id
                .as_deref()
                .map(|p| uuid(p).map(ParticipationId::from_uuid))
                .transpose()?,
        })
    }
}

/// The waiting entry of the user, if any.
pub(crate) fn waiting_entry(
    conn: &mut AnyConnection,
    class_id: &str,
    user: &str,
) -> Result<Option<EntryRow>, DieselError> {
    waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(class_id))
        .filter(waitlist_entries::user_id.eq(user))
        .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str()))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()
}

/// The position in line of a waiting entry numbered `seq`: 1 for the first.
pub(crate) fn position(
    conn: &mut AnyConnection,
    class_id: &str,
    seq: i64,
) -> Result<u64, DieselError> {
    let ahead: i64 = waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(class_id))
        .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str()))
        .filter(waitlist_entries::seq.le(seq))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(ahead).unwrap_or(0))
}

/// SQLite: puts the user in line (the caller found the class full, in its
/// immediate transaction) and appends `waitlist.entered`. Returns the
/// position.
pub(crate) fn enter_sqlite(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    class_id: ClassId,
    user: &UserId,
    user_name: Option<&str>,
    at: OffsetDateTime,
) -> Result<u64, DieselError> {
    let class = class_id.to_string();
    let last: Option<i64> = waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(&class))
        .select(diesel::dsl::max(waitlist_entries::seq))
        .first(conn)?;
    let seq = last.unwrap_or(0) + 1;
    let entry = WaitlistEntry {
        id: Uuid::new_v4(),
        class_id,
        user_id: user.clone(),
        user_name: user_name.map(str::to_owned),
        status: WaitStatus::Waiting,
        position: None,
        entered_at: at,
        resolved_at: None,
        participation_id: None,
    };
    diesel::insert_into(waitlist_entries::table)
        .values((
            waitlist_entries::id.eq(entry.id.to_string()),
            waitlist_entries::tenant_id.eq(tenant.as_str()),
            waitlist_entries::class_id.eq(&class),
            waitlist_entries::user_id.eq(user.as_str()),
            waitlist_entries::user_name.eq(user_name),
            waitlist_entries::seq.eq(seq),
            waitlist_entries::status.eq(WaitStatus::Waiting.as_str()),
            waitlist_entries::entered_at.eq(to_db_time(at)),
        ))
        .execute(conn)?;
    events::append(
        conn,
        &NewEvent::waitlist(tenant, &entry, EventType::WaitlistEntered, at),
    )?;
    position(conn, &class, seq)
}

/// Ends the user's waiting entry with `status` (`left` or `removed`);
/// `false` when they were not in line. Locks the entry (a promotion under
/// way finishes first). Appends `waitlist.left` for `left`.
pub(crate) fn end_waiting(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    class_id: &str,
    user: &str,
    status: WaitStatus,
    at: OffsetDateTime,
) -> Result<bool, DieselError> {
    let query = waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(class_id))
        .filter(waitlist_entries::user_id.eq(user))
        .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str()));
    let found: Option<EntryRow> = per_backend!(conn,
        postgres: |c| query.select(EntryRow::as_select()).for_update().first(c).optional()?,
        sqlite: |c| query.select(EntryRow::as_select()).first(c).optional()?,
    );
    let Some(row) = found else {
        return Ok(false);
    };
    diesel::update(waitlist_entries::table.filter(waitlist_entries::id.eq(&row.id)))
        .set((
            waitlist_entries::status.eq(status.as_str()),
            waitlist_entries::resolved_at.eq(Some(to_db_time(at))),
        ))
        .execute(conn)?;
    if status == WaitStatus::Left {
        let entry = row.into_entry(None)?;
        events::append(
            conn,
            &NewEvent::waitlist(tenant, &entry, EventType::WaitlistLeft, at),
        )?;
    }
    Ok(true)
}

/// Closes the class's line (it ended or was cancelled). The caller holds the
/// class row exclusively.
pub(crate) fn close_line(
    conn: &mut AnyConnection,
    class_id: &str,
    at: time::PrimitiveDateTime,
) -> Result<usize, DieselError> {
    diesel::update(
        waitlist_entries::table
            .filter(waitlist_entries::class_id.eq(class_id))
            .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str())),
    )
    .set((
        waitlist_entries::status.eq(WaitStatus::Closed.as_str()),
        waitlist_entries::resolved_at.eq(Some(at)),
    ))
    .execute(conn)
}

/// The first waiting entry, locked on PostgreSQL. Another transaction may
/// have promoted the head meanwhile: PostgreSQL then re-checks the locked
/// row, finds it no longer waiting and returns nothing although others
/// wait, so the read is retried while anyone waits.
fn lock_head(conn: &mut AnyConnection, class_id: &str) -> Result<Option<EntryRow>, DieselError> {
    let waiting = || {
        waitlist_entries::table
            .filter(waitlist_entries::class_id.eq(class_id))
            .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str()))
    };
    loop {
        let head = waiting().order(waitlist_entries::seq.asc());
        let found: Option<EntryRow> = per_backend!(conn,
            postgres: |c| head.select(EntryRow::as_select()).for_update().first(c).optional()?,
            sqlite: |c| head.select(EntryRow::as_select()).first(c).optional()?,
        );
        if found.is_some() {
            return Ok(found);
        }
        let anyone: bool = diesel::select(diesel::dsl::exists(waiting())).get_result(conn)?;
        if !anyone {
            return Ok(None);
        }
    }
}

/// A free seat of the class, locked on PostgreSQL (seats locked by admissions
/// under way are skipped; one this transaction freed is its own).
fn free_seat(conn: &mut AnyConnection, class_id: &str) -> Result<Option<i32>, DieselError> {
    let query = class_seats::table
        .filter(class_seats::class_id.eq(class_id))
        .filter(class_seats::participation_id.is_null())
        // Never the creator's seat (see `admission`).
        .filter(class_seats::seat_no.ge(FIRST_GUEST_SEAT))
        .order(class_seats::seat_no.asc())
        .select(class_seats::seat_no);
    Ok(per_backend!(conn,
        postgres: |c| query.for_update().skip_locked().first(c).optional()?,
        sqlite: |c| query.first(c).optional()?,
    ))
}

/// Admits the head of the class's line into free seats while both exist
/// (see the module docs); returns the participations it created. The caller
/// is in a write transaction holding the class row (shared or exclusive).
pub(crate) fn fill_free_seats(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    at: OffsetDateTime,
) -> Result<Vec<Participation>, DieselError> {
    let mut admitted = Vec::new();
    let mut class_facts: Option<(String, u32)> = None;
    while let Some(head) = lock_head(conn, class_id)? {
        let Some(seat_no) = free_seat(conn, class_id)? else {
            break;
        };
        let (creator, capacity) = match &class_facts {
            Some(facts) => facts.clone(),
            None => {
                let (creator, capacity): (String, i32) = live_classes::table
                    .filter(live_classes::id.eq(class_id))
                    .select((live_classes::created_by, live_classes::max_participants))
                    .first(conn)?;
                let facts = (creator, u32::try_from(capacity).unwrap_or(0));
                class_facts = Some(facts.clone());
                facts
            }
        };
        // The stay begins no earlier than the user's last stay ended (see
        // "No overlapping stays" in `admission`).
        let last_left: Option<time::PrimitiveDateTime> = participations::table
            .filter(participations::class_id.eq(class_id))
            .filter(participations::user_id.eq(&head.user_id))
            .select(diesel::dsl::max(participations::left_at))
            .first(conn)?;
        let mut entry = head.into_entry(None)?;
        let participation = Participation {
            id: ParticipationId::from_uuid(Uuid::new_v4()),
            class_id: entry.class_id,
            tenant_id: TenantId::parse(tenant).map_err(|e| corrupt(e.into()))?,
            user_id: entry.user_id.clone(),
            user_name: entry.user_name.clone(),
            role: if entry.user_id.as_str() == creator {
                ParticipantRole::Teacher
            } else {
                ParticipantRole::Participant
            },
            joined_at: last_left.map_or(at, |left| at.max(from_db_time(left))),
            left_at: None,
        };
        let id = participation.id.to_string();
        diesel::update(class_seats::table)
            .filter(class_seats::class_id.eq(class_id))
            .filter(class_seats::seat_no.eq(seat_no))
            .set(class_seats::participation_id.eq(&id))
            .execute(conn)?;
        diesel::insert_into(participations::table)
            .values(NewParticipationRow {
                participation: ParticipationRow::from(&participation),
                seat_no,
            })
            .execute(conn)?;
        diesel::update(
            waitlist_entries::table.filter(waitlist_entries::id.eq(entry.id.to_string())),
        )
        .set((
            waitlist_entries::status.eq(WaitStatus::Admitted.as_str()),
            waitlist_entries::resolved_at.eq(Some(to_db_time(at))),
            waitlist_entries::participation_id.eq(Some(&id)),
        ))
        .execute(conn)?;
        entry.status = WaitStatus::Admitted;
        entry.participation_id = Some(participation.id);
        events::append(
            conn,
            &NewEvent::waitlist(
                &participation.tenant_id,
                &entry,
                EventType::WaitlistPromoted,
                at,
            ),
        )?;
        events::append(
            conn,
            &NewEvent::participant_joined(&participation, capacity),
        )?;
        admitted.push(participation);
    }
    Ok(admitted)
}
