//! [`DieselStore`] as the domain's `ClassRepository`: classes, their life
//! cycle, and the seats a live class holds.
//!
//! Capacity is held by seats (see the `class_seats` migration and
//! `admission`): start makes one seat row per place, end drops them, and a
//! capacity change of a live class resizes them under the class row's
//! exclusive lock.
//!
//! Every change appends its event (module `events`) in its transaction.
//!
//! Lock order: every transaction that writes participations first locks the
//! class row, `FOR SHARE` for joins and leaves (they do not block each other),
//! by an `UPDATE` for start and end (which wait for them), so nothing
//! deadlocks and no join slips past an end.

use async_trait::async_trait;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::Text;
use liveclass_domain::class::{
    AdmissionPolicy, ClassCounts, ClassFilter, ClassPage, ClassRepository, ClassStatus,
    DetailsUpdate, LiveClass, PageRequest, Participation, RecordingOutcome, RecordingUrl,
    SortOrder, TransitionOutcome, UpdateOutcome, seats_taken,
};
use liveclass_domain::events::{AttendeeSummary, EventType, LeaveReason, NewEvent};
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::admission::FIRST_GUEST_SEAT;
use crate::backend::per_backend;
use crate::class_counts::{ActiveCount, ParticipantCount};
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::load_participations;
use crate::rows::{ClassRow, count, from_db_time, parse_status, to_db_time};
use crate::schema::{class_seats, course_rosters, live_classes, participations};
use crate::store::{DieselStore, corrupt, write_transaction};
use crate::waitlist;

pub(crate) fn counted(row: (ClassRow, i64, i64)) -> Result<(LiveClass, ClassCounts), DieselError> {
    let (row, active, participants) = row;
    let class = LiveClass::try_from(row).map_err(corrupt)?;
    let counts = ClassCounts {
        active: count(active, "active count").map_err(corrupt)?,
        participants: count(participants, "participant count").map_err(corrupt)?,
    };
    Ok((class, counts))
}

/// The rows that convert to classes. A row that does not (a value stored
/// before a rule existed, or written behind the service's back) is logged
/// with its class id and left out, so one bad row cannot take down a list or
/// a calendar feed.
pub(crate) fn readable(rows: Vec<(ClassRow, i64, i64)>) -> Vec<(LiveClass, ClassCounts)> {
    rows.into_iter()
        .filter_map(|row| {
            let id = row.0.id.clone();
            counted(row)
                .inspect_err(|e| {
                    tracing::error!(class_id = %id, error = %e, "stored class is unreadable; left out of the list");
                })
                .ok()
        })
        .collect()
}

/// The rows of `ids`, in that order, each read on its own: a row the driver
/// cannot decode is logged with its class id and left out.
pub(crate) fn decodable_rows(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(ClassRow, i64, i64)>, DieselError> {
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let row = live_classes::table
            .filter(live_classes::id.eq(id))
            .select((ClassRow::as_select(), ActiveCount, ParticipantCount))
            .first::<(ClassRow, i64, i64)>(conn);
        match row {
            Ok(row) => rows.push(row),
            Err(DieselError::DeserializationError(e)) => {
                tracing::error!(class_id = %id, error = %e, "stored class cannot be decoded; left out of the list");
            }
            Err(DieselError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(rows)
}

pub(crate) fn load_class(
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

pub(crate) fn load_status(
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

/// After a status change: the class as it is now, and its event appended.
fn changed(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    event_type: EventType,
    at: OffsetDateTime,
) -> Result<TransitionOutcome, DieselError> {
    Ok(match load_class(conn, tenant, id)? {
        Some(class) => {
            events::append(conn, &NewEvent::class_changed(&class, event_type, at))?;
            TransitionOutcome::Changed(Box::new(class))
        }
        None => TransitionOutcome::NotFound,
    })
}

/// Per user, over every stay in the class (all closed): first join, last
/// leave, seconds present (stays never overlap, so they add up).
fn attendees(stays: &[Participation]) -> Vec<AttendeeSummary> {
    let mut by_user: Vec<AttendeeSummary> = Vec::new();
    for stay in stays {
        let left = stay.left_at.unwrap_or(stay.joined_at);
        let seconds = u64::try_from((left - stay.joined_at).whole_seconds()).unwrap_or(0);
        match by_user.iter_mut().find(|a| a.user_id == stay.user_id) {
            Some(a) => {
                a.first_joined_at = a.first_joined_at.min(stay.joined_at);
                if left >= a.last_left_at {
                    a.last_left_at = left;
                    a.user_name.clone_from(&stay.user_name);
                }
                a.seconds_present += seconds;
            }
            None => by_user.push(AttendeeSummary {
                user_id: stay.user_id.clone(),
                user_name: stay.user_name.clone(),
                first_joined_at: stay.joined_at,
                last_left_at: left,
                seconds_present: seconds,
            }),
        }
    }
    by_user
}

/// Locks the class row for writing (PostgreSQL `FOR UPDATE`; SQLite's
/// immediate transaction already excludes other writers) and returns its
/// status, or `None` when the class is not in the tenant.
pub(crate) fn lock_class_exclusive(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<ClassStatus>, DieselError> {
    let query = live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(live_classes::status);
    let status: Option<String> = per_backend!(conn,
        postgres: |c| query.for_update().first(c).optional()?,
        sqlite: |c| query.first(c).optional()?,
    );
    status
        .map(|s| parse_status(&s))
        .transpose()
        .map_err(corrupt)
}

/// The class's active participants other than its creator.
fn others_active(conn: &mut AnyConnection, class_id: &str) -> Result<i64, DieselError> {
    let creator = live_classes::table
        .filter(live_classes::id.eq(class_id))
        .select(live_classes::created_by);
    participations::table
        .filter(participations::class_id.eq(class_id))
        .filter(participations::left_at.is_null())
        .filter(participations::user_id.ne_all(creator))
        .count()
        .get_result(conn)
}

/// Gives a live class exactly `capacity` seats, 1..=capacity. Growing adds
/// seats; shrinking first moves anyone seated past the new capacity to a free
/// guest seat within it (never the creator's, see `admission`; the caller
/// checked there are enough), then drops the rest. The caller holds the
/// class row exclusively.
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
            // Batch inserts need the concrete backend.
            per_backend!(conn, |c| {
                diesel::insert_into(class_seats::table)
                    .values(&rows)
                    .execute(c)?
            });
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
        .filter(class_seats::seat_no.ge(FIRST_GUEST_SEAT))
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

/// Makes seats 1..=max_participants for a class that just went live:
/// PostgreSQL has `generate_series`, SQLite counts with a recursive CTE.
fn create_seats(conn: &mut AnyConnection, id: &str) -> Result<(), DieselError> {
    const POSTGRES: &str = "INSERT INTO class_seats (class_id, seat_no) \
        SELECT id, generate_series(1, max_participants) FROM live_classes WHERE id = $1";
    const SQLITE: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
          WHERE x < (SELECT max_participants FROM live_classes WHERE id = ?1)) \
        INSERT INTO class_seats (class_id, seat_no) SELECT ?1, x FROM n";
    per_backend!(conn,
        postgres: |c| diesel::sql_query(POSTGRES).bind::<Text, _>(id).execute(c),
        sqlite: |c| diesel::sql_query(SQLITE).bind::<Text, _>(id).execute(c),
    )
    .map(drop)
}

#[async_trait]
impl ClassRepository for DieselStore {
    async fn insert(&self, class: &LiveClass) -> Result<(), RepoError> {
        let row = ClassRow::from(class);
        let event = NewEvent::class_changed(class, EventType::ClassCreated, class.created_at);
        self.run("insert class", move |conn| {
            write_transaction(conn, |conn| {
                diesel::insert_into(live_classes::table)
                    .values(&row)
                    .execute(conn)?;
                events::append(conn, &event)
            })
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
                    // Two comparisons rather than `NOT IN`: SQLite never
                    // keeps a statement with an `IN` list prepared.
                    q = q
                        .filter(live_classes::status.ne(ClassStatus::Ended.as_str()))
                        .filter(live_classes::status.ne(ClassStatus::Cancelled.as_str()));
                }
                if let Some(viewer) = &filter.visible_to {
                    // A `roster` class shows to its creator and to the users
                    // on its course's roster (the primary key's prefix).
                    let viewer = viewer.as_str().to_owned();
                    q = q.filter(
                        live_classes::admission_policy
                            .ne(AdmissionPolicy::Roster.as_str())
                            .or(live_classes::created_by.eq(viewer.clone()))
                            .or(diesel::dsl::exists(
                                course_rosters::table
                                    .filter(course_rosters::tenant_id.eq(live_classes::tenant_id))
                                    .filter(
                                        course_rosters::course_id
                                            .nullable()
                                            .eq(live_classes::course_id),
                                    )
                                    .filter(course_rosters::user_id.eq(viewer)),
                            )),
                    );
                }
                q
            };
            let total: i64 = query().count().get_result(conn)?;
            let ordered = || match filter.sort {
                SortOrder::Ascending => {
                    query().order((live_classes::scheduled_at.asc(), live_classes::id.asc()))
                }
                SortOrder::Descending => {
                    query().order((live_classes::scheduled_at.desc(), live_classes::id.desc()))
                }
            };
            let (limit, offset) = (
                i64::from(page.limit()),
                i64::try_from(page.offset()).unwrap_or(i64::MAX),
            );
            let rows = ordered()
                .limit(limit)
                .offset(offset)
                .select((
                    ClassRow::as_select(),
                    ActiveCount,
                    ParticipantCount,
                ))
                .load::<(ClassRow, i64, i64)>(conn);
            let rows = match rows {
                // A stored value the driver itself cannot decode (written
                // behind the service's back): read the page row by row and
                // leave that row out, rather than fail the whole list.
                Err(DieselError::DeserializationError(e)) => {
                    tracing::warn!(error = %e, "a class row cannot be decoded; reading the page row by row");
                    let ids: Vec<String> = ordered()
                        .limit(limit)
                        .offset(offset)
                        .select(live_classes::id)
                        .load(conn)?;
                    decodable_rows(conn, &ids)?
                }
                other => other?,
            };
            let classes = readable(rows);
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
                changed(
                    conn,
                    &tenant,
                    &id,
                    EventType::ClassStarted,
                    from_db_time(at),
                )
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
                let open_ids: Vec<String> = open.select(participations::id).load(conn)?;
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
                waitlist::close_line(conn, &id, at)?;
                let Some(class) = load_class(conn, &tenant, &id)? else {
                    return Ok(TransitionOutcome::NotFound);
                };
                // Everyone still in the class leaves with it, then the class
                // ends with its attendance.
                let stays = load_participations(conn, &tenant, &id, false)?;
                let capacity = class.max_participants.get();
                for stay in stays
                    .iter()
                    .filter(|p| open_ids.contains(&p.id.to_string()))
                {
                    let event = NewEvent::participant_left(stay, LeaveReason::ClassEnded, capacity);
                    events::append(conn, &event)?;
                }
                events::append(conn, &NewEvent::class_ended(&class, &attendees(&stays)))?;
                crate::attendance::pending(conn, &tenant, &id, at)?;
                Ok(TransitionOutcome::Changed(Box::new(class)))
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
                waitlist::close_line(conn, &id, at)?;
                changed(
                    conn,
                    &tenant,
                    &id,
                    EventType::ClassCancelled,
                    from_db_time(at),
                )
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
                let others = count(others_active(conn, &id)?, "active count").map_err(corrupt)?;
                let taken = seats_taken(others);
                if i64::from(taken) > i64::from(capacity) {
                    return Ok(UpdateOutcome::TooManyActive { active: taken });
                }
                diesel::update(live_classes::table)
                    .filter(live_classes::id.eq(&id))
                    .set((
                        live_classes::title.eq(update.title.as_str()),
                        live_classes::description
                            .eq(update.description.as_ref().map(|d| d.as_str())),
                        live_classes::scheduled_at.eq(to_db_time(update.scheduled_at)),
                        live_classes::max_participants.eq(capacity),
                        live_classes::admission_policy.eq(update.admission.as_str()),
                        live_classes::video_provider.eq(&update.room.provider),
                        live_classes::video_room_ref.eq(&update.room.external_id),
                        live_classes::join_url.eq(&update.room.join_url),
                        live_classes::host_url.eq(update.room.host_url.as_deref()),
                        live_classes::room_password.eq(update.room.password.as_deref()),
                        live_classes::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if status == ClassStatus::Live {
                    waitlist::lock_line(conn, &id)?;
                    resize_seats(conn, &id, capacity)?;
                }
                // The class row is loaded (and its event appended) first, so
                // the log shows the new capacity before the promotions into
                // the seats it added.
                let Some(class) = load_class(conn, &tenant, &id)? else {
                    return Ok(UpdateOutcome::NotFound);
                };
                let event =
                    NewEvent::class_changed(&class, EventType::ClassUpdated, from_db_time(at));
                events::append(conn, &event)?;
                if status == ClassStatus::Live {
                    waitlist::fill_free_seats(conn, &tenant, &id, from_db_time(at))?;
                }
                Ok(UpdateOutcome::Updated(Box::new(class)))
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
                        Some(class) => {
                            events::append(
                                conn,
                                &NewEvent::recording_set(&class, from_db_time(at)),
                            )?;
                            RecordingOutcome::Set(Box::new(class))
                        }
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
