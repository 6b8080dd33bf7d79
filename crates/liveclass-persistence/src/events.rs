//! The class event log: appending (inside the writes that make the
//! changes), sequencing, reading and pruning.
//!
//! # How a reader never skips an event
//!
//! [`append`] inserts an event with no sequence number, in the caller's
//! transaction; nothing on a request's path waits for another request.
//! The sequencer ([`ClassEventRepository::sequence_pending`], run by a
//! worker in every process) numbers them later, one transaction per pass:
//! it reads the committed, unnumbered rows and gives each class's rows the
//! next numbers after `class_event_heads.last_seq`, in `position` order.
//!
//! - **Never a skip.** Numbers are given only to committed rows, only by
//!   passes, and passes take turns (PostgreSQL: a transaction-level advisory
//!   lock, held until the pass has committed, which a busy pass makes the
//!   others skip; SQLite: the write lock). A row that commits late is simply
//!   numbered by a later pass, after every number already given, so a
//!   reader of `seq > n` never misses it. This is the difference with a
//!   high-water mark over an insert-time serial, which a late commit slips
//!   under for good.
//! - **Never out of order.** An event caused by another (a join after the
//!   start, a leave after the join, the end after the joins it waited for)
//!   was inserted after that one committed, so it has a higher `position`
//!   (a sequence value taken at insert), and any pass that sees it sees the
//!   other too: the other is numbered in the same pass before it, or in an
//!   earlier one. Events of concurrent transactions, which no one could have
//!   observed in another order, are numbered in the order their commits
//!   became visible to the passes.
//! - **Active counts.** A participant event's `activeCount` is set as it
//!   is numbered (`count_active` in the domain, from the count kept in
//!   `class_event_heads`): exact along the log's order, and no join pays
//!   for counting the class's participants.
//! - On PostgreSQL the pass ends with `NOTIFY liveclass_class_events` (one
//!   per class, the class id as payload), delivered at commit: other
//!   processes' streams wake and read the table. Writers never `NOTIFY`:
//!   its commit-time queue lock would serialise every join.

use std::collections::HashMap;

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use liveclass_domain::events::{
    ClassEvent, ClassEventRepository, EventId, EventPage, EventType, NewEvent, Sequenced,
    count_active,
};
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{class_event_heads, class_events};
use crate::store::{DieselStore, corrupt, write_transaction};

/// The channel the sequencer notifies (payload: a class id).
pub const EVENTS_CHANNEL: &str = "liveclass_class_events";

/// Appends `event`, unsequenced, in the caller's transaction.
pub(crate) fn append(conn: &mut AnyConnection, event: &NewEvent) -> Result<(), DieselError> {
    diesel::insert_into(class_events::table)
        .values((
            class_events::id.eq(event.id.to_string()),
            class_events::tenant_id.eq(event.tenant_id.as_str()),
            class_events::class_id.eq(event.class_id.to_string()),
            class_events::event_type.eq(event.event_type.as_str()),
            class_events::occurred_at.eq(to_db_time(event.occurred_at)),
            class_events::data.eq(event.data.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One unnumbered row as the sequencer sees it.
#[derive(QueryableByName)]
struct PendingRow {
    #[diesel(sql_type = BigInt)]
    position: i64,
    #[diesel(sql_type = Text)]
    tenant_id: String,
    #[diesel(sql_type = Text)]
    class_id: String,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Text)]
    data: String,
}

/// A class's rows in a pass: its tenant and the rows in position order.
type ClassRows = (String, Vec<PendingRow>);

/// The rows of each class, in position order (rows come sorted).
fn by_class(rows: Vec<PendingRow>) -> HashMap<String, ClassRows> {
    let mut classes: HashMap<String, ClassRows> = HashMap::new();
    for row in rows {
        classes
            .entry(row.class_id.clone())
            .or_insert_with(|| (row.tenant_id.clone(), Vec::new()))
            .1
            .push(row);
    }
    classes
}

/// The committed unnumbered rows, oldest first; a limit that cuts the list
/// leaves each class a prefix of its rows, so order holds across passes.
const PENDING: &str = "SELECT e.position, e.tenant_id, e.class_id, e.event_type, e.data \
     FROM class_events e WHERE e.seq IS NULL ORDER BY e.position LIMIT $1";
/// An arbitrary constant: the advisory lock of sequencer passes.
const SEQUENCER_LOCK: i64 = 0x006c_6976_6573_6571;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

fn sequence(conn: &mut AnyConnection, max: u32) -> Result<Vec<Sequenced>, DieselError> {
    write_transaction(conn, |conn| {
        let limit = i64::from(max);
        let rows: Vec<PendingRow> = per_backend!(conn,
            postgres: |c| {
                let got: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
                    .bind::<BigInt, _>(SEQUENCER_LOCK)
                    .get_result(c)?;
                if !got.locked {
                    // Another process's pass is running; ours comes next tick.
                    return Ok(Vec::new());
                }
                diesel::sql_query(PENDING).bind::<BigInt, _>(limit).load(c)?
            },
            sqlite: |c| diesel::sql_query(PENDING).bind::<BigInt, _>(limit).load(c)?,
        );
        let plans = by_class(rows);
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        let class_ids: Vec<&String> = plans.keys().collect();
        let heads: HashMap<String, (i64, i64)> = class_event_heads::table
            .filter(class_event_heads::class_id.eq_any(class_ids))
            .select((
                class_event_heads::class_id,
                class_event_heads::last_seq,
                class_event_heads::active_count,
            ))
            .load::<(String, i64, i64)>(conn)?
            .into_iter()
            .map(|(class, seq, active)| (class, (seq, active)))
            .collect();

        let mut positions = Vec::new();
        let mut seqs = Vec::new();
        // The new data of rows whose activeCount was set; None: unchanged.
        let mut datas: Vec<Option<String>> = Vec::new();
        let mut grown = Vec::with_capacity(plans.len());
        for (class_id, (tenant_id, rows)) in &plans {
            let (mut seq, active) = heads.get(class_id).copied().unwrap_or((0, 0));
            let mut active = u64::try_from(active).unwrap_or(0);
            for row in rows {
                seq += 1;
                positions.push(row.position);
                seqs.push(seq);
                let event_type = EventType::parse(&row.event_type).ok_or_else(|| {
                    corrupt(anyhow::anyhow!("unknown event type `{}`", row.event_type))
                })?;
                let mut data: serde_json::Value =
                    serde_json::from_str(&row.data).map_err(|e| corrupt(e.into()))?;
                datas.push(
                    count_active(event_type, &mut data, &mut active).then(|| data.to_string()),
                );
            }
            diesel::sql_query(
                "INSERT INTO class_event_heads (class_id, tenant_id, last_seq, active_count) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (class_id) DO UPDATE \
                 SET last_seq = excluded.last_seq, active_count = excluded.active_count",
            )
            .bind::<Text, _>(class_id)
            .bind::<Text, _>(tenant_id)
            .bind::<BigInt, _>(seq)
            .bind::<BigInt, _>(i64::try_from(active).unwrap_or(i64::MAX))
            .execute(conn)?;
            grown.push(Sequenced {
                tenant_id: TenantId::parse(tenant_id).map_err(|e| corrupt(e.into()))?,
                class_id: ClassId::from_uuid(
                    uuid(class_id, "class_events.class_id").map_err(corrupt)?,
                ),
                last_seq: u64::try_from(seq).map_err(|e| corrupt(e.into()))?,
            });
        }
        per_backend!(conn,
            postgres: |c| {
                diesel::sql_query(
                    "UPDATE class_events e SET seq = v.seq, data = COALESCE(v.data, e.data) \
                     FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[]) AS v(position, seq, data) \
                     WHERE e.position = v.position",
                )
                .bind::<Array<BigInt>, _>(&positions)
                .bind::<Array<BigInt>, _>(&seqs)
                .bind::<Array<Nullable<Text>>, _>(&datas)
                .execute(c)?;
                let classes: Vec<String> = plans.keys().cloned().collect();
                diesel::sql_query(format!(
                    "SELECT pg_notify('{EVENTS_CHANNEL}', c) FROM unnest($1::TEXT[]) AS c"
                ))
                .bind::<Array<Text>, _>(&classes)
                .execute(c)?;
            },
            sqlite: |c| {
                for ((position, seq), data) in positions.iter().zip(&seqs).zip(&datas) {
                    let row = class_events::table.filter(class_events::position.eq(position));
                    match data {
                        Some(data) => diesel::update(row)
                            .set((class_events::seq.eq(seq), class_events::data.eq(data)))
                            .execute(c)?,
                        None => diesel::update(row).set(class_events::seq.eq(seq)).execute(c)?,
                    };
                }
            },
        );
        Ok(grown)
    })
}

type EventRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    time::PrimitiveDateTime,
    String,
);

fn event_from_row(row: EventRow) -> anyhow::Result<ClassEvent> {
    let (_, seq, id, tenant_id, class_id, event_type, occurred_at, data) = row;
    Ok(ClassEvent {
        seq: u64::try_from(seq.unwrap_or(0))?,
        id: EventId::from_uuid(uuid(&id, "class_events.id")?),
        tenant_id: TenantId::parse(&tenant_id)?,
        class_id: ClassId::from_uuid(uuid(&class_id, "class_events.class_id")?),
        event_type: EventType::parse(&event_type)
            .ok_or_else(|| anyhow::anyhow!("unknown event type `{event_type}`"))?,
        occurred_at: from_db_time(occurred_at),
        data: serde_json::from_str(&data)?,
    })
}

fn events_after(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    after: i64,
    limit: i64,
) -> Result<EventPage, DieselError> {
    let head: Option<(i64, i64)> = class_event_heads::table
        .filter(class_event_heads::class_id.eq(class_id))
        .filter(class_event_heads::tenant_id.eq(tenant))
        .select((
            class_event_heads::last_seq,
            class_event_heads::pruned_through,
        ))
        .first(conn)
        .optional()?;
    let (last_seq, pruned_through) = head.unwrap_or((0, 0));
    let rows: Vec<EventRow> = class_events::table
        .filter(class_events::tenant_id.eq(tenant))
        .filter(class_events::class_id.eq(class_id))
        .filter(class_events::seq.gt(after))
        .order(class_events::seq.asc())
        .limit(limit)
        .select((
            class_events::position,
            class_events::seq,
            class_events::id,
            class_events::tenant_id,
            class_events::class_id,
            class_events::event_type,
            class_events::occurred_at,
            class_events::data,
        ))
        .load(conn)?;
    let events = rows
        .into_iter()
        .map(event_from_row)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(corrupt)?;
    // The head was read first: a pass that ran in between may have numbered
    // more than it says.
    let last_seq = events
        .last()
        .map_or(last_seq, |e| last_seq.max(e.seq as i64));
    Ok(EventPage {
        events,
        last_seq: u64::try_from(last_seq).map_err(|e| corrupt(e.into()))?,
        reset: after < pruned_through,
    })
}

#[derive(QueryableByName)]
struct PruneCut {
    #[diesel(sql_type = Text)]
    class_id: String,
    #[diesel(sql_type = BigInt)]
    cut: i64,
}

/// Per class, deletes the sequenced events up to the last one that happened
/// before `before`, so what is kept is always a suffix of the log, and
/// records the cut in the head (readers asking for older ones get `reset`).
/// Never past an event a pending webhook delivery still needs.
fn prune(conn: &mut AnyConnection, before: OffsetDateTime) -> Result<u64, DieselError> {
    write_transaction(conn, |conn| {
        // The cut stays below a class's first event that a webhook delivery
        // still waits for (its body is read from the event at each attempt).
        let cuts: Vec<PruneCut> = diesel::sql_query(
            "SELECT e.class_id, max(e.seq) AS cut FROM class_events e \
             LEFT JOIN (SELECT p.class_id, min(p.seq) AS first_pending \
                 FROM webhook_deliveries d JOIN class_events p ON p.id = d.event_id \
                 WHERE d.status = 'pending' AND p.seq IS NOT NULL GROUP BY p.class_id) h \
               ON h.class_id = e.class_id \
             WHERE e.seq IS NOT NULL AND e.occurred_at < $1 \
               AND (h.first_pending IS NULL OR e.seq < h.first_pending) \
             GROUP BY e.class_id",
        )
        .bind::<diesel::sql_types::Timestamp, _>(to_db_time(before))
        .load(conn)?;
        let mut deleted = 0;
        for cut in cuts {
            deleted += diesel::delete(
                class_events::table
                    .filter(class_events::class_id.eq(&cut.class_id))
                    .filter(class_events::seq.le(cut.cut)),
            )
            .execute(conn)?;
            diesel::update(
                class_event_heads::table
                    .filter(class_event_heads::class_id.eq(&cut.class_id))
                    .filter(class_event_heads::pruned_through.lt(cut.cut)),
            )
            .set(class_event_heads::pruned_through.eq(cut.cut))
            .execute(conn)?;
        }
        // Finished webhook deliveries are kept as long as events.
        diesel::sql_query(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
        )
        .bind::<diesel::sql_types::Timestamp, _>(to_db_time(before))
        .execute(conn)?;
        Ok(deleted as u64)
    })
}

#[async_trait]
impl ClassEventRepository for DieselStore {
    async fn events_after(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        after: u64,
        limit: u32,
    ) -> Result<EventPage, RepoError> {
        let tenant = tenant.as_str().to_owned();
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.run("read class events", move |conn| {
            events_after(
                conn,
                &tenant,
                &class_id.to_string(),
                after,
                i64::from(limit),
            )
        })
        .await
    }

    async fn sequence_pending(&self, max: u32) -> Result<Vec<Sequenced>, RepoError> {
        self.run("sequence class events", move |conn| sequence(conn, max))
            .await
    }

    async fn prune_events(&self, before: OffsetDateTime) -> Result<u64, RepoError> {
        self.run("prune class events", move |conn| prune(conn, before))
            .await
    }
}
