//! Rows as stored, and their conversion to and from domain entities.
//! Instants are stored as UTC `TIMESTAMP`s (no offset).

use anyhow::{Context, anyhow};
use diesel::prelude::*;
use liveclass_domain::class::{
    AdmissionPolicy, Capacity, ClassStatus, Description, LiveClass, ParticipantRole, Participation,
    RecordingUrl, Title,
};
use liveclass_domain::ids::{ClassId, ParticipationId, RoomId, TenantId, UserId};
use liveclass_domain::join_link::JoinHash;
use liveclass_domain::schedule::{CourseId, OccurrenceRef, ScheduleId, format_date, parse_date};
use liveclass_domain::validation::Field;
use liveclass_domain::video::Room;
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use crate::schema::{live_classes, participations};

pub(crate) fn to_db_time(t: OffsetDateTime) -> PrimitiveDateTime {
    let utc = liveclass_domain::instant::to_utc(t);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

pub(crate) fn from_db_time(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_utc()
}

/// A stored instant of a class, which must lie in the domain's supported
/// range: one outside it could not be rendered or computed with.
fn class_time(t: PrimitiveDateTime, what: &str) -> anyhow::Result<OffsetDateTime> {
    let at = from_db_time(t);
    if liveclass_domain::instant::is_supported(at) {
        Ok(at)
    } else {
        Err(anyhow!(
            "stored {what} {t} is outside {}",
            liveclass_domain::instant::RANGE
        ))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = live_classes)]
pub(crate) struct ClassRow {
    pub id: String,
    pub tenant_id: String,
    pub created_by: String,
    pub title: String,
    pub description: Option<String>,
    pub room_id: String,
    pub video_provider: String,
    pub video_room_ref: String,
    pub join_url: String,
    pub host_url: Option<String>,
    pub room_password: Option<String>,
    pub status: String,
    pub scheduled_at: PrimitiveDateTime,
    pub started_at: Option<PrimitiveDateTime>,
    pub ended_at: Option<PrimitiveDateTime>,
    pub max_participants: i32,
    pub recording_url: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub scheduled_end: Option<PrimitiveDateTime>,
    pub course_id: Option<String>,
    pub schedule_id: Option<String>,
    pub occurrence_date: Option<String>,
    pub join_hash: String,
    pub ical_sequence: i32,
    pub admission_policy: String,
    pub co_hosts: String,
}

impl From<&LiveClass> for ClassRow {
    fn from(c: &LiveClass) -> Self {
        Self {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.as_str().to_owned(),
            created_by: c.created_by.as_str().to_owned(),
            title: c.title.as_str().to_owned(),
            description: c.description.as_ref().map(|d| d.as_str().to_owned()),
            room_id: c.room_id.as_str().to_owned(),
            video_provider: c.room.provider.clone(),
            video_room_ref: c.room.external_id.clone(),
            join_url: c.room.join_url.clone(),
            host_url: c.room.host_url.clone(),
            room_password: c.room.password.clone(),
            status: c.status.as_str().to_owned(),
            scheduled_at: to_db_time(c.scheduled_at),
            started_at: c.started_at.map(to_db_time),
            ended_at: c.ended_at.map(to_db_time),
            max_participants: i32::try_from(c.max_participants.get()).unwrap_or(i32::MAX),
            recording_url: c.recording_url.as_ref().map(|u| u.as_str().to_owned()),
            created_at: to_db_time(c.created_at),
            updated_at: to_db_time(c.updated_at),
            scheduled_end: c.scheduled_end.map(to_db_time),
            course_id: c.course_id.as_ref().map(|id| id.as_str().to_owned()),
            schedule_id: c.occurrence.map(|o| o.schedule_id.to_string()),
            occurrence_date: c.occurrence.map(|o| format_date(o.date)),
            join_hash: c.join_hash.as_str().to_owned(),
            ical_sequence: i32::try_from(c.ical_sequence).unwrap_or(i32::MAX),
            admission_policy: c.admission.as_str().to_owned(),
            co_hosts: co_hosts_text(&c.co_hosts),
        }
    }
}

/// Co-hosts as stored: a JSON array of user ids.
pub(crate) fn co_hosts_text(co_hosts: &[UserId]) -> String {
    let ids: Vec<&str> = co_hosts.iter().map(UserId::as_str).collect();
    serde_json::Value::from(ids).to_string()
}

fn parse_co_hosts(raw: &str) -> anyhow::Result<Vec<UserId>> {
    let ids: Vec<String> = serde_json::from_str(raw)
        .with_context(|| format!("stored co-hosts `{raw}` are not a JSON array of strings"))?;
    ids.iter()
        .map(|id| UserId::parse(id).map_err(anyhow::Error::from))
        .collect()
}

pub(crate) fn uuid(raw: &str, what: &str) -> anyhow::Result<Uuid> {
    Uuid::try_parse(raw).with_context(|| format!("stored {what} `{raw}` is not a UUID"))
}

pub(crate) fn count<T: Copy + std::fmt::Display>(v: T, what: &str) -> anyhow::Result<u32>
where
    u32: TryFrom<T>,
{
    u32::try_from(v)
        .ok()
        .with_context(|| format!("stored {what} {v} is out of range"))
}

pub(crate) fn parse_status(raw: &str) -> anyhow::Result<ClassStatus> {
    raw.parse()
        .map_err(|_| anyhow!("stored status `{raw}` is unknown"))
}

impl TryFrom<ClassRow> for LiveClass {
    type Error = anyhow::Error;

    fn try_from(r: ClassRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: ClassId::from_uuid(uuid(&r.id, "class id")?),
            tenant_id: TenantId::parse(&r.tenant_id)?,
            created_by: UserId::parse(&r.created_by)?,
            title: Title::parse(&r.title)?,
            description: r
                .description
                .as_deref()
                .map(Description::parse)
                .transpose()?,
            room_id: RoomId::parse(&r.room_id)?,
            room: Room {
                provider: r.video_provider,
                external_id: r.video_room_ref,
                join_url: r.join_url,
                host_url: r.host_url,
                password: r.room_password,
            },
            status: parse_status(&r.status)?,
            scheduled_at: class_time(r.scheduled_at, "scheduled_at")?,
            started_at: r
                .started_at
                .map(|t| class_time(t, "started_at"))
                .transpose()?,
            ended_at: r.ended_at.map(|t| class_time(t, "ended_at")).transpose()?,
            max_participants: Capacity::from_stored(count(r.max_participants, "capacity")?),
            // A URL stored before the scheme rule (`javascript:…`) is not
            // shown again, and does not make the class unreadable.
            recording_url: r.recording_url.as_deref().and_then(|raw| {
                RecordingUrl::parse(raw)
                    .inspect_err(|e| {
                        tracing::warn!(class_id = %r.id, error = %e, "stored recording URL dropped");
                    })
                    .ok()
            }),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            scheduled_end: r
                .scheduled_end
                .map(|t| class_time(t, "scheduled_end"))
                .transpose()?,
            course_id: r.course_id.as_deref().map(CourseId::parse).transpose()?,
            occurrence: match (r.schedule_id, r.occurrence_date) {
                (Some(schedule_id), Some(date)) => Some(OccurrenceRef {
                    schedule_id: ScheduleId::from_uuid(uuid(&schedule_id, "schedule id")?),
                    date: parse_date(Field::OccurrenceDate, &date)?,
                }),
                _ => None,
            },
            join_hash: JoinHash::parse(&r.join_hash)?,
            ical_sequence: count(r.ical_sequence, "iCal sequence")?,
            admission: AdmissionPolicy::parse(&r.admission_policy)?,
            co_hosts: parse_co_hosts(&r.co_hosts)?,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = participations)]
pub(crate) struct ParticipationRow {
    pub id: String,
    pub class_id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub user_name: Option<String>,
    pub role: String,
    pub joined_at: PrimitiveDateTime,
    pub left_at: Option<PrimitiveDateTime>,
}

/// A participation to insert, with the seat it takes.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = participations)]
pub(crate) struct NewParticipationRow {
    #[diesel(embed)]
    pub participation: ParticipationRow,
    pub seat_no: i32,
}

impl From<&Participation> for ParticipationRow {
    fn from(p: &Participation) -> Self {
        Self {
            id: p.id.to_string(),
            class_id: p.class_id.to_string(),
            tenant_id: p.tenant_id.as_str().to_owned(),
            user_id: p.user_id.as_str().to_owned(),
            user_name: p.user_name.clone(),
            role: p.role.as_str().to_owned(),
            joined_at: to_db_time(p.joined_at),
            left_at: p.left_at.map(to_db_time),
        }
    }
}

impl TryFrom<ParticipationRow> for Participation {
    type Error = anyhow::Error;

    fn try_from(r: ParticipationRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: ParticipationId::from_uuid(uuid(&r.id, "participation id")?),
            class_id: ClassId::from_uuid(uuid(&r.class_id, "class id")?),
            tenant_id: TenantId::parse(&r.tenant_id)?,
            user_id: UserId::parse(&r.user_id)?,
            user_name: r.user_name,
            role: ParticipantRole::parse(&r.role)
                .ok_or_else(|| anyhow!("stored role `{}` is unknown", r.role))?,
            joined_at: from_db_time(r.joined_at),
            left_at: r.left_at.map(from_db_time),
        })
    }
}
