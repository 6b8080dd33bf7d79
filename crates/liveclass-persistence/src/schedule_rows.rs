//! Schedule rows and their conversion to and from the domain's `Schedule`.

use anyhow::Context;
use diesel::prelude::*;
use liveclass_domain::class::{AdmissionPolicy, Capacity, Title};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::schedule::{
    ClassDuration, CourseId, LocalStartTime, Recurrence, Schedule, ScheduleId, ScheduleSpec,
    ScheduleTimeZone, format_date, parse_date, weekday_code,
};
use liveclass_domain::validation::Field;
use time::PrimitiveDateTime;

use crate::rows::{count, from_db_time, to_db_time, uuid};
use crate::schema::schedules;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = schedules)]
pub(crate) struct ScheduleRow {
    pub id: String,
    pub tenant_id: String,
    pub course_id: String,
    pub title: String,
    pub teacher_id: String,
    pub max_participants: i32,
    pub timezone: String,
    pub start_time: String,
    pub duration_minutes: i32,
    pub frequency: String,
    pub interval_count: i32,
    pub weekdays: String,
    pub starts_on: String,
    // Written as NULL too when a patch makes the schedule a one-off.
    #[diesel(treat_none_as_null = true)]
    pub ends_on: Option<String>,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub admission_policy: String,
}

impl From<&Schedule> for ScheduleRow {
    fn from(s: &Schedule) -> Self {
        let spec = &s.spec;
        Self {
            id: s.id.to_string(),
            tenant_id: s.tenant_id.as_str().to_owned(),
            course_id: spec.course_id.as_str().to_owned(),
            title: spec.title.as_str().to_owned(),
            teacher_id: spec.teacher_id.as_str().to_owned(),
            max_participants: i32::try_from(spec.max_participants.get()).unwrap_or(i32::MAX),
            timezone: spec.timezone.name().to_owned(),
            start_time: spec.start_time.to_string(),
            duration_minutes: i32::from(spec.duration.minutes()),
            frequency: spec.recurrence.frequency().as_str().to_owned(),
            interval_count: i32::try_from(spec.recurrence.interval()).unwrap_or(i32::MAX),
            weekdays: spec
                .recurrence
                .weekdays()
                .iter()
                .map(|d| weekday_code(*d))
                .collect::<Vec<_>>()
                .join(","),
            starts_on: format_date(spec.starts_on),
            ends_on: spec.ends_on.map(format_date),
            created_by: s.created_by.as_str().to_owned(),
            created_at: to_db_time(s.created_at),
            updated_at: to_db_time(s.updated_at),
            admission_policy: spec.admission.as_str().to_owned(),
        }
    }
}

impl TryFrom<ScheduleRow> for Schedule {
    type Error = anyhow::Error;

    fn try_from(r: ScheduleRow) -> anyhow::Result<Self> {
        let weekdays: Vec<String> = r
            .weekdays
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect();
        let recurrence = Recurrence::parse(
            &r.frequency,
            Some(i64::from(r.interval_count)),
            Some(&weekdays),
        )?;
        let spec = ScheduleSpec {
            course_id: CourseId::parse(&r.course_id)?,
            title: Title::parse(&r.title)?,
            teacher_id: UserId::parse(&r.teacher_id)?,
            max_participants: Capacity::from_stored(count(r.max_participants, "capacity")?),
            timezone: ScheduleTimeZone::parse(&r.timezone)?,
            start_time: LocalStartTime::parse(&r.start_time)?,
            duration: ClassDuration::parse(i64::from(r.duration_minutes))?,
            recurrence,
            starts_on: parse_date(Field::StartsOn, &r.starts_on)?,
            ends_on: r
                .ends_on
                .as_deref()
                .map(|d| parse_date(Field::EndsOn, d))
                .transpose()?,
            admission: AdmissionPolicy::parse(&r.admission_policy)?,
        };
        Ok(Self {
            id: ScheduleId::from_uuid(uuid(&r.id, "schedule id")?),
            tenant_id: TenantId::parse(&r.tenant_id)?,
            spec,
            created_by: UserId::parse(&r.created_by)
                .with_context(|| format!("schedule {}", r.id))?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}
