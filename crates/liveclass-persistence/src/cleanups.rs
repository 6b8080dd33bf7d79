//! [`DieselStore`] as the domain's [`CleanupQueue`].
//!
//! Due clean-ups are claimed through [`claim!`](crate::claim): the lease moves
//! `due_at` to `now + lease` and counts the attempt, so a claimed row is not
//! due again until the lease runs out; `reschedule` sets the next due time
//! (the backoff), `complete` deletes the row.

use anyhow::Context;
use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::cleanup::{CleanupAction, CleanupQueue, PendingCleanup};
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::instant;
use liveclass_domain::store::RepoError;
use liveclass_domain::video::Room;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::claim::claim;
use crate::rows::to_db_time;
use crate::schema::video_cleanups;
use crate::store::{DieselStore, corrupt};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = video_cleanups)]
struct CleanupRow {
    id: String,
    tenant_id: String,
    class_id: String,
    action: String,
    video_provider: String,
    video_room_ref: String,
    join_url: String,
    host_url: Option<String>,
    room_password: Option<String>,
    attempts: i32,
    last_error: Option<String>,
    due_at: time::PrimitiveDateTime,
    created_at: time::PrimitiveDateTime,
    recording_ref: Option<String>,
}

impl TryFrom<CleanupRow> for PendingCleanup {
    type Error = anyhow::Error;

    fn try_from(r: CleanupRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: Uuid::try_parse(&r.id).context("video_cleanups.id")?,
            tenant_id: TenantId::parse(&r.tenant_id).context("video_cleanups.tenant_id")?,
            class_id: ClassId::from_uuid(
                Uuid::try_parse(&r.class_id).context("video_cleanups.class_id")?,
            ),
            action: CleanupAction::parse(&r.action)
                .with_context(|| format!("video_cleanups.action `{}`", r.action))?,
            room: Room {
                provider: r.video_provider,
                external_id: r.video_room_ref,
                join_url: r.join_url,
                host_url: r.host_url,
                password: r.room_password,
            },
            recording: r.recording_ref,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            last_error: r.last_error,
        })
    }
}

impl DieselStore {
    /// How many video clean-ups are queued, across tenants (for the queue
    /// depth metric; one `count(*)` on a table that is empty when all is
    /// well).
    ///
    /// # Errors
    /// `Unavailable` or `Unexpected`.
    pub async fn video_cleanup_queue_depth(&self) -> Result<u64, RepoError> {
        self.run("count video clean-ups", |conn| {
            video_cleanups::table
                .count()
                .get_result::<i64>(conn)
                .map(|n| u64::try_from(n).unwrap_or(0))
        })
        .await
    }
}

#[async_trait]
impl CleanupQueue for DieselStore {
    async fn enqueue(
        &self,
        cleanup: &PendingCleanup,
        due_at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let row = CleanupRow {
            id: cleanup.id.to_string(),
            tenant_id: cleanup.tenant_id.as_str().to_owned(),
            class_id: cleanup.class_id.to_string(),
            action: cleanup.action.as_str().to_owned(),
            video_provider: cleanup.room.provider.clone(),
            video_room_ref: cleanup.room.external_id.clone(),
            join_url: cleanup.room.join_url.clone(),
            host_url: cleanup.room.host_url.clone(),
            room_password: cleanup.room.password.clone(),
            attempts: i32::try_from(cleanup.attempts).unwrap_or(i32::MAX),
            last_error: cleanup.last_error.clone(),
            due_at: to_db_time(due_at),
            created_at: to_db_time(due_at),
            recording_ref: cleanup.recording.clone(),
        };
        self.run("enqueue video clean-up", move |conn| {
            diesel::insert_into(video_cleanups::table)
                .values(&row)
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<PendingCleanup>, RepoError> {
        let (now, until) = (to_db_time(now), to_db_time(instant::later(now, lease)));
        self.run("claim video clean-ups", move |conn| {
            let ids: Vec<String> = claim!(conn,
                candidates: video_cleanups::table
                    .filter(video_cleanups::due_at.le(now))
                    .order(video_cleanups::due_at.asc())
                    .limit(i64::from(limit))
                    .select(video_cleanups::id),
                lease: |conn, ids: &[String]| {
                    diesel::update(video_cleanups::table.filter(video_cleanups::id.eq_any(ids)))
                        .set((
                            video_cleanups::due_at.eq(until),
                            video_cleanups::attempts.eq(video_cleanups::attempts + 1),
                        ))
                        .execute(conn)
                },
            )?;
            // As leased (attempts counted), in the order claimed.
            let mut rows: Vec<CleanupRow> = video_cleanups::table
                .filter(video_cleanups::id.eq_any(&ids))
                .select(CleanupRow::as_select())
                .load(conn)?;
            rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
            rows.into_iter()
                .map(|row| PendingCleanup::try_from(row).map_err(corrupt))
                .collect()
        })
        .await
    }

    async fn complete(&self, id: Uuid) -> Result<(), RepoError> {
        let id = id.to_string();
        self.run("complete video clean-up", move |conn| {
            diesel::delete(video_cleanups::table.find(&id))
                .execute(conn)
                .map(drop)
        })
        .await
    }

    async fn reschedule(
        &self,
        id: Uuid,
        due_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), RepoError> {
        let (id, due_at) = (id.to_string(), to_db_time(due_at));
        // Provider messages are short, but a body echoed into one is not.
        let error: String = error.chars().take(1000).collect();
        self.run("reschedule video clean-up", move |conn| {
            diesel::update(video_cleanups::table.find(&id))
                .set((
                    video_cleanups::due_at.eq(due_at),
                    video_cleanups::last_error.eq(Some(error)),
                ))
                .execute(conn)
                .map(drop)
        })
        .await
    }
}
