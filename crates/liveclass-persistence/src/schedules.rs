//! [`DieselStore`] as the domain's `ScheduleRepository`: schedules, and the
//! generation of their classes in one write transaction (see
//! `write_transaction` for what that means on each backend).

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::{ClassCounts, ClassStatus, LiveClass};
use liveclass_domain::events::{EventType, NewEvent};
use liveclass_domain::ids::TenantId;
use liveclass_domain::schedule::{
    CourseId, GenerationOutcome, GenerationPlan, Occurrence, Schedule, ScheduleId,
    ScheduleRepository, format_date, parse_date,
};
use liveclass_domain::store::RepoError;
use liveclass_domain::validation::Field;
use time::{Date, Duration, OffsetDateTime};

use crate::backend::per_backend;
use crate::claim::claim;
use crate::class_counts::{ActiveCount, ParticipantCount};
use crate::classes::{load_class, readable};
use crate::connection::AnyConnection;
use crate::events;
use crate::rows::{ClassRow, to_db_time};
use crate::schedule_rows::ScheduleRow;
use crate::schema::{live_classes, participations, schedules};
use crate::store::{DieselStore, corrupt, write_transaction};

fn to_schedules(rows: Vec<ScheduleRow>) -> Result<Vec<Schedule>, DieselError> {
    rows.into_iter()
        .map(Schedule::try_from)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(corrupt)
}

/// Inserts a generated class unless its schedule already has a class for the
/// same occurrence; `false` then. The unique index decides, not a read.
fn insert_occurrence(conn: &mut AnyConnection, row: &ClassRow) -> Result<bool, DieselError> {
    let target = (live_classes::schedule_id, live_classes::occurrence_date);
    // `ON CONFLICT` needs the concrete backend.
    let inserted = per_backend!(conn, |c| {
        diesel::insert_into(live_classes::table)
            .values(row)
            .on_conflict(target)
            .do_nothing()
            .execute(c)?
    });
    Ok(inserted == 1)
}

fn apply(
    conn: &mut AnyConnection,
    plan: &GenerationPlan,
) -> Result<GenerationOutcome, DieselError> {
    let tenant = plan.tenant_id.as_str();
    let schedule_id = plan.schedule_id.to_string();
    let now = to_db_time(plan.now);
    let mut outcome = GenerationOutcome::default();

    if let Some(version) = plan.version {
        let this_schedule = || {
            schedules::table
                .filter(schedules::id.eq(&schedule_id))
                .filter(schedules::tenant_id.eq(tenant))
        };
        // Read inside the write transaction: a schedule deleted meanwhile
        // gets no classes.
        let exists: i64 = this_schedule().count().get_result(conn)?;
        if exists == 0 {
            outcome.unused = plan.new_classes.iter().map(|c| c.room.clone()).collect();
            return Ok(outcome);
        }
        // Generated: only the version planned, not a newer definition.
        diesel::update(this_schedule().filter(schedules::updated_at.eq(to_db_time(version))))
            .set(schedules::generation_due_at.eq(None::<time::PrimitiveDateTime>))
            .execute(conn)?;
    }

    for class in &plan.new_classes {
        if insert_occurrence(conn, &ClassRow::from(class))? {
            let event = NewEvent::class_changed(class, EventType::ClassCreated, plan.now);
            events::append(conn, &event)?;
            outcome.created += 1;
        } else {
            outcome.unused.push(class.room.clone());
        }
    }

    let planned: HashMap<String, &Occurrence> = plan
        .occurrences
        .iter()
        .map(|o| (format_date(o.date), o))
        .collect();
    // The schedule's changeable classes; every write below repeats the
    // condition, so a class that starts meanwhile is left alone.
    let changeable = || {
        live_classes::table
            .filter(live_classes::tenant_id.eq(tenant))
            .filter(live_classes::schedule_id.eq(&schedule_id))
            .filter(live_classes::status.eq(ClassStatus::Scheduled.as_str()))
            .filter(live_classes::started_at.is_null())
            .filter(diesel::dsl::not(diesel::dsl::exists(
                participations::table.filter(participations::class_id.eq(live_classes::id)),
            )))
            .filter(live_classes::scheduled_at.gt(now))
    };
    let rows: Vec<ClassRow> = changeable().select(ClassRow::as_select()).load(conn)?;
    let t = &plan.template;
    let capacity = i32::try_from(t.max_participants.get()).unwrap_or(i32::MAX);
    for row in rows {
        let Some(occurrence) = row.occurrence_date.as_deref().and_then(|d| planned.get(d)) else {
            let deleted =
                diesel::delete(changeable().filter(live_classes::id.eq(&row.id))).execute(conn)?;
            if deleted == 1 {
                let mut class = LiveClass::try_from(row).map_err(corrupt)?;
                // Its occurrence left the schedule: to the class's readers
                // the class is called off.
                class.status = ClassStatus::Cancelled;
                class.updated_at = plan.now;
                let event = NewEvent::class_changed(&class, EventType::ClassCancelled, plan.now);
                events::append(conn, &event)?;
                outcome.removed.push(class.room);
            }
            continue;
        };
        let starts = to_db_time(occurrence.starts_at);
        let ends = Some(to_db_time(occurrence.ends_at));
        let same = row.scheduled_at == starts
            && row.scheduled_end == ends
            && row.title == t.title.as_str()
            && row.created_by == t.teacher_id.as_str()
            && row.max_participants == capacity
            && row.course_id.as_deref() == Some(t.course_id.as_str())
            && row.admission_policy == t.admission.as_str();
        if same {
            continue;
        }
        let updated = u32::try_from(
            diesel::update(changeable().filter(live_classes::id.eq(&row.id)))
                .set((
                    live_classes::scheduled_at.eq(starts),
                    live_classes::scheduled_end.eq(ends),
                    live_classes::title.eq(t.title.as_str()),
                    live_classes::created_by.eq(t.teacher_id.as_str()),
                    live_classes::max_participants.eq(capacity),
                    live_classes::course_id.eq(Some(t.course_id.as_str())),
                    live_classes::admission_policy.eq(t.admission.as_str()),
                    live_classes::ical_sequence.eq(live_classes::ical_sequence + 1),
                    live_classes::updated_at.eq(now),
                ))
                .execute(conn)?,
        )
        .unwrap_or(0);
        if updated == 1
            && let Some(class) = load_class(conn, tenant, &row.id)?
        {
            let event = NewEvent::class_changed(&class, EventType::ClassUpdated, plan.now);
            events::append(conn, &event)?;
        }
        outcome.updated += updated;
    }
    Ok(outcome)
}

#[async_trait]
impl ScheduleRepository for DieselStore {
    async fn insert(
        &self,
        schedule: &Schedule,
        generation_due: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let row = ScheduleRow::from(schedule);
        let due = Some(to_db_time(generation_due));
        self.run("insert schedule", move |conn| {
            diesel::insert_into(schedules::table)
                .values((&row, schedules::generation_due_at.eq(due)))
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn find(&self, tenant: &TenantId, id: ScheduleId) -> Result<Option<Schedule>, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("find schedule", move |conn| {
            schedules::table
                .filter(schedules::id.eq(&id))
                .filter(schedules::tenant_id.eq(&tenant))
                .select(ScheduleRow::as_select())
                .first(conn)
                .optional()?
                .map(Schedule::try_from)
                .transpose()
                .map_err(corrupt)
        })
        .await
    }

    async fn list(
        &self,
        tenant: &TenantId,
        course: Option<CourseId>,
    ) -> Result<Vec<Schedule>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("list schedules", move |conn| {
            let mut q = schedules::table
                .filter(schedules::tenant_id.eq(&tenant))
                .into_boxed();
            if let Some(course) = &course {
                q = q.filter(schedules::course_id.eq(course.as_str().to_owned()));
            }
            let rows = q
                .order((schedules::created_at.asc(), schedules::id.asc()))
                .select(ScheduleRow::as_select())
                .load(conn)?;
            to_schedules(rows)
        })
        .await
    }

    async fn list_all(&self) -> Result<Vec<Schedule>, RepoError> {
        self.run("list every schedule", move |conn| {
            let rows = schedules::table
                .order((schedules::created_at.asc(), schedules::id.asc()))
                .select(ScheduleRow::as_select())
                .load(conn)?;
            to_schedules(rows)
        })
        .await
    }

    async fn update(
        &self,
        schedule: &Schedule,
        generation_due: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let row = ScheduleRow::from(schedule);
        let due = Some(to_db_time(generation_due));
        self.run("update schedule", move |conn| {
            diesel::update(
                schedules::table
                    .filter(schedules::id.eq(&row.id))
                    .filter(schedules::tenant_id.eq(&row.tenant_id)),
            )
            .set((&row, schedules::generation_due_at.eq(due)))
            .execute(conn)
            .map(|n| n == 1)
        })
        .await
    }

    async fn claim_pending_generations(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Schedule>, RepoError> {
        let (now, until) = (to_db_time(now), to_db_time(now + lease));
        self.run("claim pending schedule generations", move |conn| {
            let ids: Vec<String> = claim!(conn,
                // Index schedules_generation_due.
                candidates: schedules::table
                    .filter(schedules::generation_due_at.le(now))
                    .order((schedules::generation_due_at.asc(), schedules::id.asc()))
                    .limit(i64::from(limit))
                    .select(schedules::id),
                lease: |conn, ids: &[String]| {
                    diesel::update(schedules::table.filter(schedules::id.eq_any(ids)))
                        .set(schedules::generation_due_at.eq(Some(until)))
                        .execute(conn)
                },
            )?;
            let rows = schedules::table
                .filter(schedules::id.eq_any(&ids))
                .order((schedules::created_at.asc(), schedules::id.asc()))
                .select(ScheduleRow::as_select())
                .load(conn)?;
            to_schedules(rows)
        })
        .await
    }

    async fn delete(&self, tenant: &TenantId, id: ScheduleId) -> Result<bool, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("delete schedule", move |conn| {
            diesel::delete(
                schedules::table
                    .filter(schedules::id.eq(&id))
                    .filter(schedules::tenant_id.eq(&tenant)),
            )
            .execute(conn)
            .map(|n| n == 1)
        })
        .await
    }

    async fn occurrence_dates(
        &self,
        tenant: &TenantId,
        id: ScheduleId,
    ) -> Result<HashSet<Date>, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("list occurrence dates", move |conn| {
            let dates: Vec<Option<String>> = live_classes::table
                .filter(live_classes::tenant_id.eq(&tenant))
                .filter(live_classes::schedule_id.eq(&id))
                .select(live_classes::occurrence_date)
                .load(conn)?;
            dates
                .into_iter()
                .flatten()
                .map(|d| parse_date(Field::OccurrenceDate, &d).map_err(anyhow::Error::new))
                .collect::<anyhow::Result<HashSet<_>>>()
                .map_err(corrupt)
        })
        .await
    }

    async fn apply_generation(
        &self,
        plan: &GenerationPlan,
    ) -> Result<GenerationOutcome, RepoError> {
        let plan = plan.clone();
        self.run("generate classes", move |conn| {
            write_transaction(conn, |conn| apply(conn, &plan))
        })
        .await
    }

    async fn upcoming_classes(
        &self,
        tenant: &TenantId,
        id: ScheduleId,
        from: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<(LiveClass, ClassCounts)>, RepoError> {
        let (tenant, id, from) = (tenant.as_str().to_owned(), id.to_string(), to_db_time(from));
        self.run("list upcoming classes", move |conn| {
            let rows = live_classes::table
                .filter(live_classes::tenant_id.eq(&tenant))
                .filter(live_classes::schedule_id.eq(&id))
                .filter(live_classes::scheduled_at.ge(from))
                // Not `NOT IN`: SQLite never keeps an `IN` list prepared.
                .filter(live_classes::status.ne(ClassStatus::Ended.as_str()))
                .filter(live_classes::status.ne(ClassStatus::Cancelled.as_str()))
                .order((live_classes::scheduled_at.asc(), live_classes::id.asc()))
                .limit(i64::from(limit))
                .select((ClassRow::as_select(), ActiveCount, ParticipantCount))
                .load::<(ClassRow, i64, i64)>(conn)?;
            Ok(readable(rows))
        })
        .await
    }
}
