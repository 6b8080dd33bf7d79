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
//! Lock order: every transaction that writes participations locks the class
//! row first, so join, leave and end never deadlock one another.

use async_trait::async_trait;
use diesel::connection::SimpleConnection;
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, ClassFilter, ClassPage, ClassRepository, ClassStatus, LiveClass,
    PageRequest, Participation, ParticipationRepository, RecordingOutcome, RecordingUrl, RepoError,
    SortOrder, TransitionOutcome,
};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use time::OffsetDateTime;

use crate::connection::{AnyConnection, Backend, DbPool};
use crate::rows::{ClassRow, ParticipationRow, parse_status, to_db_time};
use crate::schema::{live_classes, participations};

/// The Diesel implementation of the domain's repository ports.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
}

impl DieselStore {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
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
        let joined = tokio::task::spawn_blocking(move || {
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
            let rows: Vec<ClassRow> = ordered
                .limit(i64::from(page.limit()))
                .offset(i64::try_from(page.offset()).unwrap_or(i64::MAX))
                .select(ClassRow::as_select())
                .load(conn)?;
            let classes = rows
                .into_iter()
                .map(LiveClass::try_from)
                .collect::<anyhow::Result<Vec<_>>>()
                .map_err(corrupt)?;
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
                        live_classes::active_count.eq(0),
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
                    .set(participations::left_at.eq(participations::joined_at.nullable()))
                    .execute(conn)?;
                diesel::update(open)
                    .set(participations::left_at.eq(at))
                    .execute(conn)?;
                changed(conn, &tenant, &id)
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
        self.run("admit participant", move |conn| {
            let class_id = request.class_id.to_string();
            let user_id = request.user_id.as_str().to_owned();
            let result = write_transaction(conn, |conn| admit(conn, &request));
            match result {
                // A concurrent join of the same user won the race for the one
                // active participation; that participation is the answer.
                Err(e) if is_unique_violation(&e) => {
                    match active_participation(conn, &class_id, &user_id)? {
                        Some(p) => Ok(AdmitOutcome::AlreadyActive(p)),
                        None => Err(e),
                    }
                }
                other => other,
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
                // Lock the class row first (see the lock order above).
                let found = diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&class_id))
                    .filter(live_classes::tenant_id.eq(&tenant))
                    .set(live_classes::active_count.eq(live_classes::active_count))
                    .execute(conn)?;
                if found == 0 {
                    return Ok(None);
                }
                let Some(mut participation) = active_participation(conn, &class_id, &user_id)?
                else {
                    return Ok(None);
                };
                let left_at = at.max(participation.joined_at);
                diesel::update(participations::table)
                    .filter(participations::id.eq(participation.id.to_string()))
                    .set(participations::left_at.eq(to_db_time(left_at)))
                    .execute(conn)?;
                diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&class_id))
                    .set(live_classes::active_count.eq(live_classes::active_count - 1))
                    .execute(conn)?;
                participation.left_at = Some(left_at);
                Ok(Some(participation))
            })
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
            let mut query = participations::table
                .filter(participations::class_id.eq(&class_id))
                .filter(participations::tenant_id.eq(&tenant))
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
        })
        .await
    }
}

/// The admission transaction: the seat is taken by one conditional UPDATE of
/// the class row (`status = 'live' AND active_count < max_participants`), which
/// on PostgreSQL also locks the row until commit, so concurrent admissions to
/// one class are counted one at a time and the capacity holds exactly.
fn admit(conn: &mut AnyConnection, r: &AdmitRequest) -> Result<AdmitOutcome, DieselError> {
    let tenant = r.tenant_id.as_str();
    let class_id = r.class_id.to_string();
    let user_id = r.user_id.as_str();

    if let Some(existing) = active_participation(conn, &class_id, user_id)? {
        return Ok(AdmitOutcome::AlreadyActive(existing));
    }
    let returning: bool = diesel::select(exists(
        participations::table
            .filter(participations::class_id.eq(&class_id))
            .filter(participations::user_id.eq(user_id)),
    ))
    .get_result(conn)?;
    let newcomer = i32::from(!returning);

    let seat_taken = diesel::update(live_classes::table)
        .filter(live_classes::id.eq(&class_id))
        .filter(live_classes::tenant_id.eq(tenant))
        .filter(live_classes::status.eq(ClassStatus::Live.as_str()))
        .filter(live_classes::active_count.lt(live_classes::max_participants))
        .set((
            live_classes::active_count.eq(live_classes::active_count + 1),
            live_classes::participant_count.eq(live_classes::participant_count + newcomer),
        ))
        .execute(conn)?;
    if seat_taken == 0 {
        let found: Option<(String, i32)> = live_classes::table
            .filter(live_classes::id.eq(&class_id))
            .filter(live_classes::tenant_id.eq(tenant))
            .select((live_classes::status, live_classes::max_participants))
            .first(conn)
            .optional()?;
        return Ok(match found {
            None => AdmitOutcome::NotFound,
            Some((status, capacity)) => match parse_status(&status).map_err(corrupt)? {
                ClassStatus::Live => AdmitOutcome::Full {
                    capacity: u32::try_from(capacity).unwrap_or(0),
                },
                other => AdmitOutcome::NotLive(other),
            },
        });
    }

    let participation = Participation {
        id: r.participation_id,
        class_id: r.class_id,
        tenant_id: r.tenant_id.clone(),
        user_id: r.user_id.clone(),
        user_name: r.user_name.clone(),
        role: r.role,
        joined_at: r.at,
        left_at: None,
    };
    diesel::insert_into(participations::table)
        .values(ParticipationRow::from(&participation))
        .execute(conn)?;
    Ok(AdmitOutcome::Admitted(participation))
}
