//! [`RecordingRepository`] for [`DieselStore`]: recordings and their grants.
//! Every change appends its class event in the same transaction; one
//! running recording per class is the partial unique index
//! `recordings_one_running` (see the `recordings` migration).

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::LiveClass;
use liveclass_domain::events::{EventType, NewEvent};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::recording::{
    AccessLevel, FileKind, Grant, ProviderRecordingOutcome, ProviderRecordingReady, Recording,
    RecordingChange, RecordingFile, RecordingId, RecordingRepository, RecordingStatus,
    StartOutcome, Visibility,
};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::connection::AnyConnection;
use crate::events;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{recording_files as rf, recording_grants as rg, recordings as rec};
use crate::store::{DieselStore, corrupt, is_unique_violation, write_transaction};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rec)]
struct RecordingRow {
    id: String,
    tenant_id: String,
    class_id: String,
    provider: String,
    provider_recording_id: Option<String>,
    status: String,
    visibility: String,
    started_by: Option<String>,
    started_at: Option<PrimitiveDateTime>,
    stopped_at: Option<PrimitiveDateTime>,
    duration_seconds: Option<i64>,
    failure: Option<String>,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
}

impl From<&Recording> for RecordingRow {
    fn from(r: &Recording) -> Self {
        Self {
            id: r.id.to_string(),
            tenant_id: r.tenant_id.as_str().to_owned(),
            class_id: r.class_id.to_string(),
            provider: r.provider.clone(),
            provider_recording_id: r.provider_recording_id.clone(),
            status: r.status.as_str().to_owned(),
            visibility: r.visibility.as_str().to_owned(),
            started_by: r.started_by.as_ref().map(|u| u.as_str().to_owned()),
            started_at: r.started_at.map(to_db_time),
            stopped_at: r.stopped_at.map(to_db_time),
            duration_seconds: r.duration_seconds.and_then(|d| i64::try_from(d).ok()),
            failure: r.failure.clone(),
            created_at: to_db_time(r.created_at),
            updated_at: to_db_time(r.updated_at),
        }
    }
}

type GrantRow = (String, String, Option<PrimitiveDateTime>);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rf)]
struct FileRow {
    recording_id: String,
    provider_file_id: String,
    tenant_id: String,
    kind: String,
    recording_type: Option<String>,
    format: Option<String>,
    size_bytes: Option<i64>,
    started_at: Option<PrimitiveDateTime>,
    ended_at: Option<PrimitiveDateTime>,
}

impl TryFrom<FileRow> for RecordingFile {
    type Error = anyhow::Error;

    fn try_from(r: FileRow) -> anyhow::Result<Self> {
        Ok(Self {
            kind: FileKind::parse(&r.kind)?,
            provider_file_id: r.provider_file_id,
            recording_type: r.recording_type,
            format: r.format,
            size_bytes: r.size_bytes.and_then(|s| u64::try_from(s).ok()),
            started_at: r.started_at.map(from_db_time),
            ended_at: r.ended_at.map(from_db_time),
        })
    }
}

/// The files of the recordings `ids`, each recording's in file-id order.
fn files_of(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<FileRow>, DieselError> {
    rf::table
        .filter(rf::recording_id.eq_any(ids))
        .order((rf::recording_id, rf::provider_file_id))
        .select(FileRow::as_select())
        .load(conn)
}

fn recording_from_row(
    row: RecordingRow,
    grants: Vec<GrantRow>,
    files: Vec<FileRow>,
) -> anyhow::Result<Recording> {
    Ok(Recording {
        id: RecordingId::from_uuid(uuid(&row.id, "recordings.id")?),
        tenant_id: TenantId::parse(&row.tenant_id)?,
        class_id: ClassId::from_uuid(uuid(&row.class_id, "recordings.class_id")?),
        provider: row.provider,
        provider_recording_id: row.provider_recording_id,
        status: RecordingStatus::parse(&row.status)?,
        visibility: Visibility::parse(&row.visibility)?,
        started_by: row.started_by.as_deref().map(UserId::parse).transpose()?,
        started_at: row.started_at.map(from_db_time),
        stopped_at: row.stopped_at.map(from_db_time),
        duration_seconds: row.duration_seconds.and_then(|d| u64::try_from(d).ok()),
        failure: row.failure,
        external_url: None,
        grants: grants
            .into_iter()
            .map(|(user, level, expires)| {
                Ok(Grant {
                    user_id: UserId::parse(&user)?,
                    level: AccessLevel::parse(&level)?,
                    expires_at: expires.map(from_db_time),
                })
            })
            .collect::<anyhow::Result<_>>()?,
        files: files
            .into_iter()
            .map(RecordingFile::try_from)
            .collect::<anyhow::Result<_>>()?,
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
    })
}

/// The recording with its grants, read inside the caller's transaction.
fn load(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<Recording>, DieselError> {
    let Some(row) = rec::table
        .filter(rec::id.eq(id))
        .filter(rec::tenant_id.eq(tenant))
        .select(RecordingRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let grants: Vec<GrantRow> = rg::table
        .filter(rg::recording_id.eq(id))
        .order(rg::user_id)
        .select((rg::user_id, rg::level, rg::expires_at))
        .load(conn)?;
    let files = files_of(conn, std::slice::from_ref(&row.id))?;
    recording_from_row(row, grants, files)
        .map(Some)
        .map_err(corrupt)
}

fn status_of(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<RecordingStatus>, DieselError> {
    let raw: Option<String> = rec::table
        .filter(rec::id.eq(id))
        .filter(rec::tenant_id.eq(tenant))
        .select(rec::status)
        .first(conn)
        .optional()?;
    raw.map(|s| RecordingStatus::parse(&s).map_err(|e| corrupt(e.into())))
        .transpose()
}

/// After a conditional update of `updated` rows: the recording with its
/// event appended, or why nothing changed.
fn changed(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    updated: usize,
    event: Option<EventType>,
    at: OffsetDateTime,
) -> Result<RecordingChange, DieselError> {
    if updated == 0 {
        return Ok(match status_of(conn, tenant, id)? {
            Some(status) => RecordingChange::StatusWas(status),
            None => RecordingChange::NotFound,
        });
    }
    let Some(recording) = load(conn, tenant, id)? else {
        return Ok(RecordingChange::NotFound);
    };
    if let Some(event_type) = event {
        events::append(
            conn,
            &NewEvent::recording_changed(&recording, event_type, at),
        )?;
    }
    Ok(RecordingChange::Changed(Box::new(recording)))
}

/// Running or processing: what a provider's report may still change.
fn unfinished() -> [&'static str; 3] {
    [
        RecordingStatus::Starting.as_str(),
        RecordingStatus::Recording.as_str(),
        RecordingStatus::Processing.as_str(),
    ]
}

/// The id of the class's recording the provider calls `provider_id`.
fn by_provider_id(
    conn: &mut AnyConnection,
    class: &LiveClass,
    provider_id: &str,
) -> Result<Option<String>, DieselError> {
    rec::table
        .filter(rec::tenant_id.eq(class.tenant_id.as_str()))
        .filter(rec::class_id.eq(class.id.to_string()))
        .filter(rec::provider.eq(&class.room.provider))
        .filter(rec::provider_recording_id.eq(provider_id))
        .select(rec::id)
        .first(conn)
        .optional()
}

/// The outcome of a provider report on recording `id` after a conditional
/// update of `updated` rows.
fn reported(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    updated: usize,
    event: EventType,
    at: OffsetDateTime,
) -> Result<ProviderRecordingOutcome, DieselError> {
    Ok(match changed(conn, tenant, id, updated, Some(event), at)? {
        RecordingChange::Changed(r) => ProviderRecordingOutcome::Changed(r),
        RecordingChange::StatusWas(_) => match load(conn, tenant, id)? {
            Some(r) => ProviderRecordingOutcome::Unchanged(Box::new(r)),
            None => ProviderRecordingOutcome::NoRecording,
        },
        RecordingChange::NotFound => ProviderRecordingOutcome::NoRecording,
    })
}

/// Stores the files a ready report lists for recording `id` (replacing
/// any stored before: the report is the provider's whole list).
fn store_files(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    files: &[RecordingFile],
) -> Result<(), DieselError> {
    if files.is_empty() {
        return Ok(());
    }
    diesel::delete(rf::table.filter(rf::recording_id.eq(id))).execute(conn)?;
    let rows: Vec<FileRow> = files
        .iter()
        .map(|f| FileRow {
            recording_id: id.to_owned(),
            provider_file_id: f.provider_file_id.clone(),
            tenant_id: tenant.to_owned(),
            kind: f.kind.as_str().to_owned(),
            recording_type: f.recording_type.clone(),
            format: f.format.clone(),
            size_bytes: f.size_bytes.and_then(|s| i64::try_from(s).ok()),
            started_at: f.started_at.map(to_db_time),
            ended_at: f.ended_at.map(to_db_time),
        })
        .collect();
    // One row at a time: SQLite's multi-row insert needs a batch type the
    // `AnyConnection` does not offer, and a recording has a handful of files.
    for row in rows {
        diesel::insert_into(rf::table).values(&row).execute(conn)?;
    }
    Ok(())
}

fn provider_ready(
    conn: &mut AnyConnection,
    class: &LiveClass,
    report: &ProviderRecordingReady,
) -> Result<ProviderRecordingOutcome, DieselError> {
    let tenant = class.tenant_id.as_str();
    let at = to_db_time(report.at);
    let named = by_provider_id(conn, class, &report.provider_recording_id)?;
    // Else the oldest unfinished recording the provider has not named: a
    // start through LiveClass, whose provider id only the webhook tells.
    let target = match named {
        Some(id) => Some(id),
        None => rec::table
            .filter(rec::tenant_id.eq(tenant))
            .filter(rec::class_id.eq(class.id.to_string()))
            .filter(rec::provider.eq(&class.room.provider))
            .filter(rec::provider_recording_id.is_null())
            .filter(rec::status.eq_any(unfinished()))
            .order((rec::created_at.asc(), rec::id.asc()))
            .select(rec::id)
            .first(conn)
            .optional()?,
    };
    if let Some(id) = target {
        // Ready once: the status condition is re-checked on the row, so of
        // two concurrent reports one changes it.
        let updated = diesel::update(rec::table)
            .filter(rec::id.eq(&id))
            .filter(rec::tenant_id.eq(tenant))
            .filter(rec::status.eq_any(unfinished()))
            .set((
                rec::status.eq(RecordingStatus::Ready.as_str()),
                rec::provider_recording_id.eq(&report.provider_recording_id),
                rec::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 1 {
            // Fill what the provider knows and LiveClass did not.
            let current: (
                Option<PrimitiveDateTime>,
                Option<PrimitiveDateTime>,
                Option<i64>,
            ) = rec::table
                .find(&id)
                .select((rec::started_at, rec::stopped_at, rec::duration_seconds))
                .first(conn)?;
            // The provider knows the file's length; LiveClass's own start
            // and stop times stand when it has them.
            let started = current.0.or(report.started_at.map(to_db_time));
            let duration = report.duration_seconds.or(current.2);
            let stopped = current.1.or_else(|| {
                started
                    .zip(duration)
                    .map(|(s, d)| s + time::Duration::seconds(d))
                    .or(Some(at))
            });
            diesel::update(rec::table.find(&id))
                .set((
                    rec::started_at.eq(started),
                    rec::stopped_at.eq(stopped),
                    rec::duration_seconds.eq(duration),
                ))
                .execute(conn)?;
            store_files(conn, tenant, &id, &report.files)?;
        }
        return reported(
            conn,
            tenant,
            &id,
            updated,
            EventType::RecordingReady,
            report.at,
        );
    }
    // A recording LiveClass never started (the provider's own app, or an
    // automatic cloud recording): stored as the provider reports it.
    let started = report.started_at;
    let recording = Recording {
        id: report.new_id,
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        provider: class.room.provider.clone(),
        provider_recording_id: Some(report.provider_recording_id.clone()),
        status: RecordingStatus::Ready,
        visibility: Visibility::DEFAULT,
        started_by: None,
        started_at: started,
        stopped_at: started
            .zip(report.duration_seconds)
            .map(|(s, d)| s + time::Duration::seconds(d))
            .or(Some(report.at)),
        duration_seconds: report.duration_seconds.and_then(|d| u64::try_from(d).ok()),
        failure: None,
        external_url: None,
        grants: Vec::new(),
        files: report.files.clone(),
        created_at: report.at,
        updated_at: report.at,
    };
    diesel::insert_into(rec::table)
        .values(&RecordingRow::from(&recording))
        .execute(conn)?;
    store_files(conn, tenant, &recording.id.to_string(), &recording.files)?;
    events::append(
        conn,
        &NewEvent::recording_changed(&recording, EventType::RecordingReady, report.at),
    )?;
    Ok(ProviderRecordingOutcome::Changed(Box::new(recording)))
}

fn provider_failed(
    conn: &mut AnyConnection,
    class: &LiveClass,
    provider_id: Option<&str>,
    reason: &str,
    at: OffsetDateTime,
) -> Result<ProviderRecordingOutcome, DieselError> {
    let tenant = class.tenant_id.as_str();
    let named = match provider_id {
        Some(pid) => by_provider_id(conn, class, pid)?,
        None => None,
    };
    let target = match named {
        Some(id) => Some(id),
        None => rec::table
            .filter(rec::tenant_id.eq(tenant))
            .filter(rec::class_id.eq(class.id.to_string()))
            .filter(rec::provider.eq(&class.room.provider))
            .filter(rec::status.eq_any(unfinished()))
            .order((rec::created_at.desc(), rec::id.desc()))
            .select(rec::id)
            .first(conn)
            .optional()?,
    };
    let Some(id) = target else {
        return Ok(ProviderRecordingOutcome::NoRecording);
    };
    let updated = diesel::update(rec::table)
        .filter(rec::id.eq(&id))
        .filter(rec::tenant_id.eq(tenant))
        .filter(rec::status.eq_any(unfinished()))
        .set((
            rec::status.eq(RecordingStatus::Failed.as_str()),
            rec::failure.eq(reason),
            rec::updated_at.eq(to_db_time(at)),
        ))
        .execute(conn)?;
    reported(conn, tenant, &id, updated, EventType::RecordingFailed, at)
}

fn running() -> [&'static str; 2] {
    [
        RecordingStatus::Starting.as_str(),
        RecordingStatus::Recording.as_str(),
    ]
}

#[async_trait]
impl RecordingRepository for DieselStore {
    async fn insert_started(&self, recording: &Recording) -> Result<StartOutcome, RepoError> {
        let row = RecordingRow::from(recording);
        let event = NewEvent::recording_changed(
            recording,
            EventType::RecordingStarted,
            recording.created_at,
        );
        let stored = recording.clone();
        self.run("start recording", move |conn| {
            let inserted = write_transaction(conn, |conn| {
                diesel::insert_into(rec::table).values(&row).execute(conn)?;
                events::append(conn, &event)
            });
            match inserted {
                Ok(()) => Ok(StartOutcome::Started(Box::new(stored))),
                // `recordings_one_running`: another start won.
                Err(e) if is_unique_violation(&e) => Ok(StartOutcome::AlreadyRunning),
                Err(e) => Err(e),
            }
        })
        .await
    }

    async fn find_recording(
        &self,
        tenant: &TenantId,
        id: RecordingId,
    ) -> Result<Option<Recording>, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("find recording", move |conn| load(conn, &tenant, &id))
            .await
    }

    async fn list_recordings(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<Recording>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list recordings", move |conn| {
            let rows: Vec<RecordingRow> = rec::table
                .filter(rec::tenant_id.eq(&tenant))
                .filter(rec::class_id.eq(&class_id))
                .filter(rec::status.ne(RecordingStatus::Deleted.as_str()))
                .order((rec::created_at, rec::id))
                .select(RecordingRow::as_select())
                .load(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut grants: Vec<(String, String, String, Option<PrimitiveDateTime>)> = rg::table
                .filter(rg::recording_id.eq_any(&ids))
                .order((rg::recording_id, rg::user_id))
                .select((rg::recording_id, rg::user_id, rg::level, rg::expires_at))
                .load(conn)?;
            let mut files = files_of(conn, &ids)?;
            rows.into_iter()
                .map(|row| {
                    let mine: Vec<GrantRow> = grants
                        .extract_if(.., |g| g.0 == row.id)
                        .map(|(_, u, l, e)| (u, l, e))
                        .collect();
                    let its: Vec<FileRow> =
                        files.extract_if(.., |f| f.recording_id == row.id).collect();
                    recording_from_row(row, mine, its).map_err(corrupt)
                })
                .collect()
        })
        .await
    }

    async fn mark_recording_stopped(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("stop recording", move |conn| {
            write_transaction(conn, |conn| {
                let started: Option<Option<PrimitiveDateTime>> = rec::table
                    .filter(rec::id.eq(&id))
                    .filter(rec::tenant_id.eq(&tenant))
                    .select(rec::started_at)
                    .first(conn)
                    .optional()?;
                let duration = started
                    .flatten()
                    .map(|s| (at - from_db_time(s)).whole_seconds().max(0));
                let updated = diesel::update(rec::table)
                    .filter(rec::id.eq(&id))
                    .filter(rec::tenant_id.eq(&tenant))
                    .filter(rec::status.eq_any(running()))
                    .set((
                        rec::status.eq(RecordingStatus::Processing.as_str()),
                        rec::stopped_at.eq(to_db_time(at)),
                        rec::duration_seconds.eq(duration),
                        rec::updated_at.eq(to_db_time(at)),
                    ))
                    .execute(conn)?;
                changed(
                    conn,
                    &tenant,
                    &id,
                    updated,
                    Some(EventType::RecordingStopped),
                    at,
                )
            })
        })
        .await
    }

    async fn mark_recording_failed(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        let reason: String = reason.chars().take(1000).collect();
        self.run("fail recording", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(rec::table)
                    .filter(rec::id.eq(&id))
                    .filter(rec::tenant_id.eq(&tenant))
                    .filter(rec::status.eq(RecordingStatus::Starting.as_str()))
                    .set((
                        rec::status.eq(RecordingStatus::Failed.as_str()),
                        rec::failure.eq(&reason),
                        rec::updated_at.eq(to_db_time(at)),
                    ))
                    .execute(conn)?;
                changed(
                    conn,
                    &tenant,
                    &id,
                    updated,
                    Some(EventType::RecordingFailed),
                    at,
                )
            })
        })
        .await
    }

    async fn set_recording_access(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        visibility: Visibility,
        grants: &[Grant],
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        let grants = grants.to_vec();
        self.run("set recording access", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(rec::table)
                    .filter(rec::id.eq(&id))
                    .filter(rec::tenant_id.eq(&tenant))
                    .filter(rec::status.ne(RecordingStatus::Deleted.as_str()))
                    .set((
                        rec::visibility.eq(visibility.as_str()),
                        rec::updated_at.eq(to_db_time(at)),
                    ))
                    .execute(conn)?;
                if updated == 1 {
                    diesel::delete(rg::table.filter(rg::recording_id.eq(&id))).execute(conn)?;
                    for g in &grants {
                        diesel::insert_into(rg::table)
                            .values((
                                rg::recording_id.eq(&id),
                                rg::tenant_id.eq(&tenant),
                                rg::user_id.eq(g.user_id.as_str()),
                                rg::level.eq(g.level.as_str()),
                                rg::expires_at.eq(g.expires_at.map(to_db_time)),
                            ))
                            .execute(conn)?;
                    }
                }
                // Access changes are not class events: they name users.
                changed(conn, &tenant, &id, updated, None, at)
            })
        })
        .await
    }

    async fn mark_recording_deleted(
        &self,
        tenant: &TenantId,
        id: RecordingId,
        at: OffsetDateTime,
    ) -> Result<RecordingChange, RepoError> {
        let (tenant, id) = (tenant.as_str().to_owned(), id.to_string());
        self.run("delete recording", move |conn| {
            write_transaction(conn, |conn| {
                let updated = diesel::update(rec::table)
                    .filter(rec::id.eq(&id))
                    .filter(rec::tenant_id.eq(&tenant))
                    .filter(rec::status.ne(RecordingStatus::Deleted.as_str()))
                    .set((
                        rec::status.eq(RecordingStatus::Deleted.as_str()),
                        rec::updated_at.eq(to_db_time(at)),
                    ))
                    .execute(conn)?;
                if updated == 1 {
                    diesel::delete(rg::table.filter(rg::recording_id.eq(&id))).execute(conn)?;
                }
                changed(
                    conn,
                    &tenant,
                    &id,
                    updated,
                    Some(EventType::RecordingDeleted),
                    at,
                )
            })
        })
        .await
    }

    async fn provider_recording_ready(
        &self,
        class: &LiveClass,
        report: &ProviderRecordingReady,
    ) -> Result<ProviderRecordingOutcome, RepoError> {
        let (class, report) = (class.clone(), report.clone());
        self.run("provider recording ready", move |conn| {
            write_transaction(conn, |conn| provider_ready(conn, &class, &report))
        })
        .await
    }

    async fn provider_recording_failed(
        &self,
        class: &LiveClass,
        provider_recording_id: Option<String>,
        reason: String,
        at: OffsetDateTime,
    ) -> Result<ProviderRecordingOutcome, RepoError> {
        let class = class.clone();
        let reason: String = reason.chars().take(1000).collect();
        self.run("provider recording failed", move |conn| {
            write_transaction(conn, |conn| {
                provider_failed(conn, &class, provider_recording_id.as_deref(), &reason, at)
            })
        })
        .await
    }
}
