//! [`DieselStore`]: the domain's `ClassRepository` and
//! `ParticipationRepository` over one pool.
//!
//! Every call runs on tokio's blocking pool: Diesel is synchronous and must
//! never hold up an async worker. Writes that must be atomic run in
//! [`write_transaction`], which on PostgreSQL is an ordinary READ COMMITTED
//! transaction whose first write locks the class row, and on SQLite a
//! `BEGIN IMMEDIATE` transaction that takes the database's write lock up front
//! (a deferred one could fail with "database is locked" when it upgrades).
//!
//! Capacity is held by seats (see the `class_seats` migration): while a class
//! is live it has one seat row per place; a join takes a free seat with
//! `FOR UPDATE SKIP LOCKED` (PostgreSQL) and an active participation must
//! hold one, so concurrent joins of one class lock different rows and commit
//! side by side. On PostgreSQL the whole admission is one call of the
//! `liveclass_admit` function: one round trip.
//!
//! Lock order: every transaction that writes participations first locks the
//! class row, `FOR SHARE` for joins and leaves (they do not block each other),
//! by an `UPDATE` for start and end (which wait for them), so nothing
//! deadlocks and no join slips past an end.

use async_trait::async_trait;
use diesel::connection::SimpleConnection;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, ClassCounts, ClassFilter, ClassPage, ClassRepository, ClassStatus,
    DetailsUpdate, LiveClass, PageRequest, ParticipantRole, Participation, ParticipationRepository,
    RecordingOutcome, RecordingUrl, SortOrder, TransitionOutcome, UpdateOutcome,
};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::store::RepoError;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::Semaphore;

use crate::connection::{AnyConnection, Backend, DbPool};
use crate::rows::{
    ClassRow, NewParticipationRow, ParticipationRow, count, from_db_time, parse_status, to_db_time,
};
use crate::schema::{class_seats, live_classes, participations};

/// The Diesel implementation of the domain's repository ports.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    /// One permit per pooled connection: a call waits here, asynchronously,
    /// rather than on a blocking thread parked on the pool.
    permits: Arc<Semaphore>,
}

impl DieselStore {
    pub fn new(pool: DbPool) -> Self {
        let size = usize::try_from(pool.max_size()).unwrap_or(1);
        Self {
            pool,
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    pub(crate) async fn run<T, F>(&self, what: &'static str, f: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DieselError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // Bounded like the pool's own wait: past it the store is unavailable.
        let permit = tokio::time::timeout(
            self.pool.connection_timeout(),
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|e| RepoError::Unavailable(anyhow::Error::new(e).context(what)))?
        .map_err(|e| RepoError::Unexpected(anyhow::Error::new(e).context(what)))?;
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool
                .get()
                .map_err(|e| RepoError::Unavailable(anyhow::Error::new(e).context(what)))?;
            f(&mut conn).map_err(|e| repo_error(e, what))
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) => Err(RepoError::Unexpected(anyhow::Error::new(e).context(what))),
        }
    }
}

fn repo_error(e: DieselError, what: &'static str) -> RepoError {
    let unavailable = matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::BrokenTransactionManager
    );
    let e = anyhow::Error::new(e).context(what);
    if unavailable {
        RepoError::Unavailable(e)
    } else {
        RepoError::Unexpected(e)
    }
}

/// A conversion failure inside a Diesel closure, carried as a Diesel error so
/// that the closure can use `?` throughout; the message survives.
pub(crate) fn corrupt(e: anyhow::Error) -> DieselError {
    DieselError::DeserializationError(e.into())
}

/// Runs `f` in a write transaction (see the module docs).
pub(crate) fn write_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, DieselError>,
) -> Result<T, DieselError> {
    match conn.backend() {
        Backend::Postgres => conn.transaction(f),
        Backend::Sqlite => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e)
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

// The participation counts of the class in the current row of `live_classes`,
// derived from the participations (both are served by their indexes). Only
// the list reads them; the paths of join, leave, start and end do not.
pub(crate) const ACTIVE_COUNT_SQL: &str = "(SELECT COUNT(*) FROM participations p \
     WHERE p.class_id = live_classes.id AND p.left_at IS NULL)";
pub(crate) const PARTICIPANT_COUNT_SQL: &str = "(SELECT COUNT(DISTINCT p.user_id) FROM participations p \
     WHERE p.class_id = live_classes.id)";

pub(crate) fn counted(row: (ClassRow, i64, i64)) -> Result<(LiveClass, ClassCounts), DieselError> {
    let (row, active, participants) = row;
    let class = LiveClass::try_from(row).map_err(corrupt)?;
    let counts = ClassCounts {
        active: count(active, "active count").map_err(corrupt)?,
        participants: count(participants, "participant count").map_err(corrupt)?,
    };
    Ok((class, counts))
}

fn load_class(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<LiveClass>, DieselError> {
    live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(ClassRow::as_select())
        .first(conn)
        .optional()?
        .map(LiveClass::try_from)
        .transpose()
        .map_err(corrupt)
}

fn load_status(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<ClassStatus>, DieselError> {
    live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(live_classes::status)
        .first::<String>(conn)
        .optional()?
        .map(|s| parse_status(&s))
        .transpose()
        .map_err(corrupt)
}

fn active_participation(
    conn: &mut AnyConnection,
    class_id: &str,
    user_id: &str,
) -> Result<Option<Participation>, DieselError> {
    participations::table
        .filter(participations::class_id.eq(class_id))
        .filter(participations::user_id.eq(user_id))
        .filter(participations::left_at.is_null())
        .select(ParticipationRow::as_select())
        .first(conn)
        .optional()?
        .map(Participation::try_from)
        .transpose()
        .map_err(corrupt)
}

/// After a conditional status change wrote nothing: why not.
fn transition_refusal(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<TransitionOutcome, DieselError> {
    Ok(match load_status(conn, tenant, id)? {
        Some(status) => TransitionOutcome::StatusWas(status),
        None => TransitionOutcome::NotFound,
    })
}

fn changed(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<TransitionOutcome, DieselError> {
    Ok(match load_class(conn, tenant, id)? {
        Some(class) => TransitionOutcome::Changed(Box::new(class)),
        None => TransitionOutcome::NotFound,
    })
}

/// Takes a `FOR SHARE` lock on the class row on PostgreSQL (SQLite's
/// immediate transaction already excludes every other writer). `false` when
/// the class does not exist in the tenant.
fn lock_class_shared(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<bool, DieselError> {
    let query = live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(live_classes::id);
    let found: Option<String> = match conn {
        AnyConnection::Postgresql(c) => query.for_share().first(c).optional()?,
        AnyConnection::Sqlite(c) => query.first(c).optional()?,
    };
    Ok(found.is_some())
}

/// Locks the class row for writing (PostgreSQL `FOR UPDATE`; SQLite's
/// immediate transaction already excludes other writers) and returns its
/// status, or `None` when the class is not in the tenant.
fn lock_class_exclusive(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<ClassStatus>, DieselError> {
    let query = live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(live_classes::status);
    let status: Option<String> = match conn {
        AnyConnection::Postgresql(c) => query.for_update().first(c).optional()?,
        AnyConnection::Sqlite(c) => query.first(c).optional()?,
    };
    status
        .map(|s| parse_status(&s))
        .transpose()
        .map_err(corrupt)
}

fn active_count(conn: &mut AnyConnection, class_id: &str) -> Result<i64, DieselError> {
    participations::table
        .filter(participations::class_id.eq(class_id))
        .filter(participations::left_at.is_null())
        .count()
        .get_result(conn)
}

/// Gives a live class exactly `capacity` seats, 1..=capacity. Growing adds
/// seats; shrinking first moves anyone seated past the new capacity to a free
/// seat within it (the caller checked there are enough), then drops the rest.
/// The caller holds the class row exclusively.
fn resize_seats(
    conn: &mut AnyConnection,
    class_id: &str,
    capacity: i32,
) -> Result<(), DieselError> {
    let seats: i64 = class_seats::table
        .filter(class_seats::class_id.eq(class_id))
        .count()
        .get_result(conn)?;
    let seats = i32::try_from(seats).unwrap_or(i32::MAX);
    if capacity > seats {
        let added: Vec<(String, i32)> = (seats + 1..=capacity)
            .map(|n| (class_id.to_owned(), n))
            .collect();
        for chunk in added.chunks(500) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(c, n)| (class_seats::class_id.eq(c), class_seats::seat_no.eq(n)))
                .collect();
            match conn {
                AnyConnection::Postgresql(c) => diesel::insert_into(class_seats::table)
                    .values(&rows)
                    .execute(c)?,
                AnyConnection::Sqlite(c) => diesel::insert_into(class_seats::table)
                    .values(&rows)
                    .execute(c)?,
            };
        }
        return Ok(());
    }
    let displaced: Vec<(i32, String)> = class_seats::table
        .filter(class_seats::class_id.eq(class_id))
        .filter(class_seats::seat_no.gt(capacity))
        .filter(class_seats::participation_id.is_not_null())
        .select((
            class_seats::seat_no,
            class_seats::participation_id.assume_not_null(),
        ))
        .load(conn)?;
    let free: Vec<i32> = class_seats::table
        .filter(class_seats::class_id.eq(class_id))
        .filter(class_seats::seat_no.le(capacity))
        .filter(class_seats::participation_id.is_null())
        .order(class_seats::seat_no.asc())
        .limit(i64::try_from(displaced.len()).unwrap_or(i64::MAX))
        .select(class_seats::seat_no)
        .load(conn)?;
    for ((from, participation), to) in displaced.into_iter().zip(free) {
        diesel::update(class_seats::table)
            .filter(class_seats::class_id.eq(class_id))
            .filter(class_seats::seat_no.eq(from))
            .set(class_seats::participation_id.eq(None::<String>))
            .execute(conn)?;
        diesel::update(class_seats::table)
            .filter(class_seats::class_id.eq(class_id))
            .filter(class_seats::seat_no.eq(to))
            .set(class_seats::participation_id.eq(&participation))
            .execute(conn)?;
        diesel::update(participations::table)
            .filter(participations::id.eq(&participation))
            .set(participations::seat_no.eq(to))
            .execute(conn)?;
    }
    diesel::delete(
        class_seats::table
            .filter(class_seats::class_id.eq(class_id))
            .filter(class_seats::seat_no.gt(capacity)),
    )
    .execute(conn)?;
    Ok(())
}

/// Makes seats 1..=max_participants for a class that just went live.
fn create_seats(conn: &mut AnyConnection, id: &str) -> Result<(), DieselError> {
    let statement = match conn.backend() {
        Backend::Postgres => {
            "INSERT INTO class_seats (class_id, seat_no) \
             SELECT id, generate_series(1, max_participants) FROM live_classes WHERE id = $1"
        }
        Backend::Sqlite => {
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
               WHERE x < (SELECT max_participants FROM live_classes WHERE id = ?1)) \
             INSERT INTO class_seats (class_id, seat_no) SELECT ?1, x FROM n"
        }
    };
    diesel::sql_query(statement)
        .bind::<Text, _>(id)
        .execute(conn)
        .map(drop)
}

fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

#[async_trait]
impl ClassRepository for DieselStore {
    async fn insert(&self, class: &LiveClass) -> Result<(), RepoError> {
        let row = ClassRow::from(class);
        self.run("insert class", move |conn| {
            diesel::insert_into(live_classes::table)
                .values(&row)
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn find(&self, tenant: &TenantId, id: ClassId) -> Result<Option<LiveClass>, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("find class", move |conn| load_class(conn, &tenant, &id))
            .await
    }

    async fn list(
        &self,
        tenant: &TenantId,
        filter: &ClassFilter,
        page: PageRequest,
    ) -> Result<ClassPage, RepoError> {
        let tenant = tenant.as_str().to_owned();
        let filter = filter.clone();
        self.run("list classes", move |conn| {
            // Each criterion has an index led by (tenant_id, <criterion>,
            // scheduled_at); see the migrations.
            let query = || {
                let mut q = live_classes::table
                    .filter(live_classes::tenant_id.eq(tenant.clone()))
                    .into_boxed();
                if let Some(status) = filter.status {
                    q = q.filter(live_classes::status.eq(status.as_str()));
                }
                if let Some(course) = &filter.course_id {
                    q = q.filter(live_classes::course_id.eq(course.as_str().to_owned()));
                }
                if let Some(schedule) = filter.schedule_id {
                    q = q.filter(live_classes::schedule_id.eq(schedule.to_string()));
                }
                if let Some(teacher) = &filter.created_by {
                    q = q.filter(live_classes::created_by.eq(teacher.as_str().to_owned()));
                }
                if let Some(from) = filter.from {
                    q = q.filter(live_classes::scheduled_at.ge(to_db_time(from)));
                }
                if let Some(to) = filter.to {
                    q = q.filter(live_classes::scheduled_at.le(to_db_time(to)));
                }
                if filter.upcoming {
                    q =
                        q.filter(live_classes::status.ne_all([
                            ClassStatus::Ended.as_str(),
                            ClassStatus::Cancelled.as_str(),
                        ]));
                }
                q
            };
            let total: i64 = query().count().get_result(conn)?;
            let ordered = match filter.sort {
                SortOrder::Ascending => {
                    query().order((live_classes::scheduled_at.asc(), live_classes::id.asc()))
                }
                SortOrder::Descending => {
                    query().order((live_classes::scheduled_at.desc(), live_classes::id.desc()))
                }
            };
            let rows: Vec<(ClassRow, i64, i64)> = ordered
                .limit(i64::from(page.limit()))
                .offset(i64::try_from(page.offset()).unwrap_or(i64::MAX))
                .select((
                    ClassRow::as_select(),
                    sql::<BigInt>(ACTIVE_COUNT_SQL),
                    sql::<BigInt>(PARTICIPANT_COUNT_SQL),
                ))
                .load(conn)?;
            let classes = rows
                .into_iter()
                .map(counted)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ClassPage {
                total: u64::try_from(total).unwrap_or(0),
                page,
                classes,
            })
        })
        .await
    }

    async fn mark_started(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        let (tenant, id, at) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(at));
        self.run("start class", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .filter(live_classes::tenant_id.eq(&tenant))
                    .filter(live_classes::status.eq(ClassStatus::Scheduled.as_str()))
                    .set((
                        live_classes::status.eq(ClassStatus::Live.as_str()),
                        live_classes::started_at.eq(at),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if updated == 0 {
                    return transition_refusal(conn, &tenant, &id);
                }
                create_seats(conn, &id)?;
                changed(conn, &tenant, &id)
            })
        })
        .await
    }

    async fn mark_ended(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        let (tenant, id, at) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(at));
        self.run("end class", move |conn| {
            write_transaction(conn, |conn| {
                // Locks the class row: joins wait, then find it ended.
                let updated = diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .filter(live_classes::tenant_id.eq(&tenant))
                    .filter(live_classes::status.eq(ClassStatus::Live.as_str()))
                    .set((
                        live_classes::status.eq(ClassStatus::Ended.as_str()),
                        live_classes::ended_at.eq(at),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if updated == 0 {
                    return transition_refusal(conn, &tenant, &id);
                }
                let open = participations::table
                    .filter(participations::class_id.eq(&id))
                    .filter(participations::left_at.is_null());
                // A participation stamped a moment after `at` by a server with
                // a slightly faster clock leaves when it joined, never before.
                diesel::update(open.filter(participations::joined_at.gt(at)))
                    .set((
                        participations::left_at.eq(participations::joined_at.nullable()),
                        participations::seat_no.eq(None::<i32>),
                    ))
                    .execute(conn)?;
                diesel::update(open)
                    .set((
                        participations::left_at.eq(at),
                        participations::seat_no.eq(None::<i32>),
                    ))
                    .execute(conn)?;
                diesel::delete(class_seats::table.filter(class_seats::class_id.eq(&id)))
                    .execute(conn)?;
                changed(conn, &tenant, &id)
            })
        })
        .await
    }

    async fn mark_cancelled(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        let (tenant, id, at) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(at));
        self.run("cancel class", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .filter(live_classes::tenant_id.eq(&tenant))
                    .filter(live_classes::status.eq(ClassStatus::Scheduled.as_str()))
                    .set((
                        live_classes::status.eq(ClassStatus::Cancelled.as_str()),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if updated == 0 {
                    return transition_refusal(conn, &tenant, &id);
                }
                changed(conn, &tenant, &id)
            })
        })
        .await
    }

    async fn update_details(
        &self,
        tenant: &TenantId,
        id: ClassId,
        update: &DetailsUpdate,
        at: OffsetDateTime,
    ) -> Result<UpdateOutcome, RepoError> {
        let (tenant, id, at) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(at));
        let update = update.clone();
        self.run("update class", move |conn| {
            write_transaction(conn, |conn| {
                // Exclusive: joins and leaves under way finish first, later
                // ones wait, so the active count below cannot move.
                let Some(status) = lock_class_exclusive(conn, &tenant, &id)? else {
                    return Ok(UpdateOutcome::NotFound);
                };
                if !matches!(status, ClassStatus::Scheduled | ClassStatus::Live) {
                    return Ok(UpdateOutcome::StatusWas(status));
                }
                let capacity = i32::try_from(update.max_participants.get()).unwrap_or(i32::MAX);
                let active = active_count(conn, &id)?;
                if active > i64::from(capacity) {
                    return Ok(UpdateOutcome::TooManyActive {
                        active: count(active, "active count").map_err(corrupt)?,
                    });
                }
                diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .set((
                        live_classes::title.eq(update.title.as_str()),
                        live_classes::description
                            .eq(update.description.as_ref().map(|d| d.as_str())),
                        live_classes::scheduled_at.eq(to_db_time(update.scheduled_at)),
                        live_classes::max_participants.eq(capacity),
                        live_classes::video_provider.eq(&update.room.provider),
                        live_classes::video_room_ref.eq(&update.room.external_id),
                        live_classes::join_url.eq(&update.room.join_url),
                        live_classes::host_url.eq(update.room.host_url.as_deref()),
                        live_classes::room_password.eq(update.room.password.as_deref()),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if status == ClassStatus::Live {
                    resize_seats(conn, &id, capacity)?;
                }
                Ok(match load_class(conn, &tenant, &id)? {
                    Some(class) => UpdateOutcome::Updated(Box::new(class)),
                    None => UpdateOutcome::NotFound,
                })
            })
        })
        .await
    }

    async fn set_recording(
        &self,
        tenant: &TenantId,
        id: ClassId,
        url: &RecordingUrl,
        at: OffsetDateTime,
    ) -> Result<RecordingOutcome, RepoError> {
        let (tenant, id, at) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(at));
        let url = url.as_str().to_owned();
        self.run("set recording", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .filter(live_classes::tenant_id.eq(&tenant))
                    .filter(live_classes::status.eq(ClassStatus::Ended.as_str()))
                    .filter(live_classes::recording_url.is_null())
                    .set((
                        live_classes::recording_url.eq(&url),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if updated == 1 {
                    return Ok(match load_class(conn, &tenant, &id)? {
                        Some(class) => RecordingOutcome::Set(Box::new(class)),
                        None => RecordingOutcome::NotFound,
                    });
                }
                Ok(match load_class(conn, &tenant, &id)? {
                    None => RecordingOutcome::NotFound,
                    Some(c) if c.status != ClassStatus::Ended => {
                        RecordingOutcome::NotEnded(c.status)
                    }
                    Some(_) => RecordingOutcome::AlreadySet,
                })
            })
        })
        .await
    }

    async fn ping(&self) -> Result<(), RepoError> {
        self.run("ping", |conn| conn.batch_execute("SELECT 1"))
            .await
    }
}

#[async_trait]
impl ParticipationRepository for DieselStore {
    async fn admit(&self, request: &AdmitRequest) -> Result<AdmitOutcome, RepoError> {
        let request = request.clone();
        self.run("admit participant", move |conn| match conn {
            AnyConnection::Postgresql(c) => admit_postgres(c, &request),
            AnyConnection::Sqlite(_) => {
                let result = write_transaction(conn, |conn| admit_sqlite(conn, &request));
                match result {
                    Err(e) if is_unique_violation(&e) => {
                        let class_id = request.class_id.to_string();
                        match active_participation(conn, &class_id, request.user_id.as_str())? {
                            Some(p) => Ok(AdmitOutcome::AlreadyActive(p)),
                            None => Err(e),
                        }
                    }
                    other => other,
                }
            }
        })
        .await
    }

    async fn release(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user_id: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Participation>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user_id = user_id.as_str().to_owned();
        self.run("release participant", move |conn| {
            write_transaction(conn, |conn| {
                if !lock_class_shared(conn, &tenant, &class_id)? {
                    return Ok(None);
                }
                let Some(mut participation) = active_participation(conn, &class_id, &user_id)?
                else {
                    return Ok(None);
                };
                let left_at = at.max(participation.joined_at);
                let id = participation.id.to_string();
                // A concurrent leave of the same participation finds it closed.
                let closed = diesel::update(participations::table)
                    .filter(participations::id.eq(&id))
                    .filter(participations::left_at.is_null())
                    .set((
                        participations::left_at.eq(to_db_time(left_at)),
                        participations::seat_no.eq(None::<i32>),
                    ))
                    .execute(conn)?;
                if closed == 0 {
                    return Ok(None);
                }
                diesel::update(class_seats::table)
                    .filter(class_seats::participation_id.eq(&id))
                    .set(class_seats::participation_id.eq(None::<String>))
                    .execute(conn)?;
                participation.left_at = Some(left_at);
                Ok(Some(participation))
            })
        })
        .await
    }

    async fn roster(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Option<(LiveClass, Vec<Participation>)>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("read roster", move |conn| {
            let Some(class) = load_class(conn, &tenant, &class_id)? else {
                return Ok(None);
            };
            let participations = load_participations(conn, &tenant, &class_id, active_only)?;
            Ok(Some((class, participations)))
        })
        .await
    }

    async fn list_for_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Vec<Participation>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list participations", move |conn| {
            load_participations(conn, &tenant, &class_id, active_only)
        })
        .await
    }
}

fn load_participations(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    active_only: bool,
) -> Result<Vec<Participation>, DieselError> {
    let mut query = participations::table
        .filter(participations::class_id.eq(class_id))
        .filter(participations::tenant_id.eq(tenant))
        .into_boxed();
    if active_only {
        query = query.filter(participations::left_at.is_null());
    }
    query
        .order((participations::joined_at.asc(), participations::id.asc()))
        .select(ParticipationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Participation::try_from)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(corrupt)
}

/// One row of `liveclass_admit` (see the `class_seats` migration).
#[derive(QueryableByName)]
struct AdmitRow {
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = Nullable<Text>)]
    class_status: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    capacity: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    participation_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    role: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_name: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    joined_at: Option<time::PrimitiveDateTime>,
}

/// PostgreSQL: the whole admission is one statement, so one round trip and an
/// implicit transaction.
fn admit_postgres(
    conn: &mut diesel::PgConnection,
    r: &AdmitRequest,
) -> Result<AdmitOutcome, DieselError> {
    let row: AdmitRow =
        diesel::sql_query("SELECT * FROM liveclass_admit($1, $2, $3, $4, $5, $6, $7)")
            .bind::<Text, _>(r.tenant_id.as_str())
            .bind::<Text, _>(r.class_id.to_string())
            .bind::<Text, _>(r.user_id.as_str())
            .bind::<Nullable<Text>, _>(r.user_name.as_deref())
            .bind::<Text, _>(r.role.as_str())
            .bind::<Text, _>(r.participation_id.to_string())
            .bind::<Timestamp, _>(to_db_time(r.at))
            .get_result(conn)?;
    let status = || {
        row.class_status
            .as_deref()
            .map(parse_status)
            .transpose()
            .map_err(corrupt)?
            .ok_or_else(|| corrupt(anyhow::anyhow!("liveclass_admit returned no status")))
    };
    Ok(match row.outcome.as_str() {
        "admitted" => AdmitOutcome::Admitted(admitted(r)),
        "already_active" => AdmitOutcome::AlreadyActive(existing(r, &row)?),
        "full" => AdmitOutcome::Full {
            capacity: u32::try_from(row.capacity.unwrap_or(0)).unwrap_or(0),
        },
        "not_live" => AdmitOutcome::NotLive(status()?),
        "not_found" => AdmitOutcome::NotFound,
        other => {
            return Err(corrupt(anyhow::anyhow!(
                "liveclass_admit returned the unknown outcome `{other}`"
            )));
        }
    })
}

fn admitted(r: &AdmitRequest) -> Participation {
    Participation {
        id: r.participation_id,
        class_id: r.class_id,
        tenant_id: r.tenant_id.clone(),
        user_id: r.user_id.clone(),
        user_name: r.user_name.clone(),
        role: r.role,
        joined_at: r.at,
        left_at: None,
    }
}

fn existing(r: &AdmitRequest, row: &AdmitRow) -> Result<Participation, DieselError> {
    let missing = || {
        corrupt(anyhow::anyhow!(
            "liveclass_admit returned an incomplete participation"
        ))
    };
    let id = row.participation_id.as_deref().ok_or_else(missing)?;
    Ok(Participation {
        id: liveclass_domain::ids::ParticipationId::from_uuid(
            uuid::Uuid::try_parse(id).map_err(|e| corrupt(e.into()))?,
        ),
        role: row
            .role
            .as_deref()
            .and_then(ParticipantRole::parse)
            .ok_or_else(missing)?,
        user_name: row.user_name.clone(),
        joined_at: from_db_time(row.joined_at.ok_or_else(missing)?),
        ..admitted(r)
    })
}

/// SQLite: the same steps as `liveclass_admit`, inside an immediate
/// transaction (one writer at a time, so no seat needs skipping).
fn admit_sqlite(conn: &mut AnyConnection, r: &AdmitRequest) -> Result<AdmitOutcome, DieselError> {
    let tenant = r.tenant_id.as_str();
    let class_id = r.class_id.to_string();

    let found: Option<(String, i32)> = live_classes::table
        .filter(live_classes::id.eq(&class_id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select((live_classes::status, live_classes::max_participants))
        .first(conn)
        .optional()?;
    let Some((status, capacity)) = found else {
        return Ok(AdmitOutcome::NotFound);
    };
    if let Some(existing) = active_participation(conn, &class_id, r.user_id.as_str())? {
        return Ok(AdmitOutcome::AlreadyActive(existing));
    }
    let status = parse_status(&status).map_err(corrupt)?;
    if status != ClassStatus::Live {
        return Ok(AdmitOutcome::NotLive(status));
    }
    let seat: Option<i32> = class_seats::table
        .filter(class_seats::class_id.eq(&class_id))
        .filter(class_seats::participation_id.is_null())
        .order(class_seats::seat_no.asc())
        .select(class_seats::seat_no)
        .first(conn)
        .optional()?;
    let Some(seat_no) = seat else {
        return Ok(AdmitOutcome::Full {
            capacity: u32::try_from(capacity).unwrap_or(0),
        });
    };
    let participation = admitted(r);
    diesel::update(class_seats::table)
        .filter(class_seats::class_id.eq(&class_id))
        .filter(class_seats::seat_no.eq(seat_no))
        .set(class_seats::participation_id.eq(participation.id.to_string()))
        .execute(conn)?;
    diesel::insert_into(participations::table)
        .values(NewParticipationRow {
            participation: ParticipationRow::from(&participation),
            seat_no,
        })
        .execute(conn)?;
    Ok(AdmitOutcome::Admitted(participation))
}
