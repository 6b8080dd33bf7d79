//! One way for background workers to claim work: [`claim!`].
//!
//! A worker polls a table for rows that are due, takes a *lease* on up to
//! `limit` of them (it writes a "claimed until" instant, or moves a due time
//! forward) and works on them outside any transaction. Of several workers
//! polling at once, in one process or many, each row goes to exactly one; a
//! worker that dies leaves its rows to be claimed again when the lease runs
//! out.
//!
//! How the claim runs, in one write transaction (see `write_transaction`):
//!
//! - **PostgreSQL**: `SELECT … ORDER BY … LIMIT n FOR UPDATE SKIP LOCKED`, then
//!   the lease `UPDATE` of the rows selected, then `COMMIT`. A concurrent
//!   claimer skips the rows locked here and takes others instead of waiting;
//!   a row whose lease another claimer committed meanwhile fails the
//!   candidate filter when PostgreSQL re-checks it, and is skipped too.
//! - **SQLite**: the same statements in a `BEGIN IMMEDIATE` transaction,
//!   which holds the database's write lock from the start: claimers take
//!   turns, so nothing needs skipping.
//!
//! # Plugging in a worker
//!
//! Give the table a due or lease column and an index that serves the
//! candidate filter, then, in the port's implementation:
//!
//! ```ignore
//! let (now, until) = (to_db_time(now), to_db_time(now + lease));
//! self.run("claim outbox messages", move |conn| {
//!     let ids: Vec<String> = claim!(conn,
//!         // What is due, oldest first, at most `limit`: any Diesel select.
//!         candidates: outbox::table
//!             .filter(outbox::due_at.le(now))
//!             .order(outbox::due_at.asc())
//!             .limit(i64::from(limit))
//!             .select(outbox::id),
//!         // The lease, on exactly the rows claimed.
//!         lease: |conn, ids: &[String]| {
//!             diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
//!                 .set(outbox::due_at.eq(until))
//!                 .execute(conn)
//!         },
//!     )?;
//!     // Load whatever the worker needs of the rows claimed.
//!     Ok(ids)
//! })
//! ```
//!
//! The candidate filter must exclude leased rows (a due time in the future, or
//! a "claimed until" not yet past): it is what makes a claim exclusive once
//! committed. The lease should be longer than the work takes; completing
//! (deleting the row, clearing the lease) or rescheduling (a new due time,
//! the backoff) is the port's own business, as in `cleanups` and `auto_end`.

use diesel::result::Error as DieselError;

use crate::connection::AnyConnection;
use crate::store::write_transaction;

/// Claims the rows `candidates` selects and leases them with `lease`; see the
/// [module docs](self). Evaluates to `Result<Vec<K>, diesel::result::Error>`,
/// `K` being what `candidates` selects.
macro_rules! claim {
    ($conn:expr, candidates: $candidates:expr, lease: $lease:expr $(,)?) => {
        $crate::claim::claim_with(
            $conn,
            |conn| {
                $crate::backend::per_backend!(conn,
                    postgres: |c| $candidates.for_update().skip_locked().load(c),
                    sqlite: |c| $candidates.load(c),
                )
            },
            $lease,
        )
    };
}

pub(crate) use claim;

/// The transaction around a claim: `select` (which locks on PostgreSQL), then
/// `lease` on what it returned, unless that is nothing. Use [`claim!`], which
/// supplies `select`.
pub(crate) fn claim_with<K>(
    conn: &mut AnyConnection,
    select: impl FnOnce(&mut AnyConnection) -> Result<Vec<K>, DieselError>,
    lease: impl FnOnce(&mut AnyConnection, &[K]) -> Result<usize, DieselError>,
) -> Result<Vec<K>, DieselError> {
    write_transaction(conn, |conn| {
        let claimed = select(conn)?;
        if !claimed.is_empty() {
            lease(conn, &claimed)?;
        }
        Ok(claimed)
    })
}

/// The helper on its own: claimers racing in small batches take every row
/// exactly once. (The workers' own races are in the `video` and
/// `schedules_contract` tests.)
#[cfg(all(test, feature = "test-util"))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::HashSet;
    use std::sync::Barrier;

    use diesel::prelude::*;
    use time::macros::datetime;

    use crate::schema::video_cleanups as queue;
    use crate::testing::TestDatabase;

    const ROWS: usize = 40;
    const CLAIMERS: usize = 8;

    async fn concurrent_claimers_take_each_row_once(db: TestDatabase) {
        let due = datetime!(2030-01-01 12:00);
        let leased = datetime!(2030-01-01 13:00);
        let mut conn = db.pool.get().unwrap();
        for n in 0..ROWS {
            diesel::insert_into(queue::table)
                .values((
                    queue::id.eq(format!("row-{n:02}")),
                    queue::tenant_id.eq("tenant"),
                    queue::class_id.eq("class"),
                    queue::action.eq("delete_room"),
                    queue::video_provider.eq("jitsi"),
                    queue::video_room_ref.eq("room"),
                    queue::join_url.eq("https://meet.example/room"),
                    queue::due_at.eq(due),
                    queue::created_at.eq(due),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
        drop(conn);
        let start = Barrier::new(CLAIMERS);
        let claimed: Vec<String> = std::thread::scope(|s| {
            let claimers: Vec<_> = (0..CLAIMERS)
                .map(|_| {
                    s.spawn(|| {
                        let mut conn = db.pool.get().unwrap();
                        start.wait();
                        let mut mine = Vec::new();
                        loop {
                            let batch: Vec<String> = claim!(&mut *conn,
                                candidates: queue::table
                                    .filter(queue::due_at.le(due))
                                    .order(queue::id.asc())
                                    .limit(3)
                                    .select(queue::id),
                                lease: |conn, ids: &[String]| {
                                    diesel::update(queue::table.filter(queue::id.eq_any(ids)))
                                        .set(queue::due_at.eq(leased))
                                        .execute(conn)
                                },
                            )
                            .unwrap();
                            if batch.is_empty() {
                                return mine;
                            }
                            mine.extend(batch);
                        }
                    })
                })
                .collect();
            claimers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect()
        });
        let distinct: HashSet<&String> = claimed.iter().collect();
        assert_eq!(distinct.len(), claimed.len(), "claimed twice: {claimed:?}");
        assert_eq!(claimed.len(), ROWS);
    }

    crate::on_both_backends!(concurrent_claimers_take_each_row_once);
}
