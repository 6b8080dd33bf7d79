//! [`DieselStore`] as the domain's `ParticipationRepository`: admission
//! (whose two backend paths live in `admission`), leaving, and the reads of
//! who is or was in a class.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, LiveClass, Participation, ParticipationRepository,
};
use liveclass_domain::events::{LeaveReason, NewEvent};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::admission;
use crate::admissions::removed_from_class;
use crate::backend::per_backend;
use crate::classes::load_class;
use crate::connection::AnyConnection;
use crate::events;
use crate::rows::{ParticipationRow, to_db_time};
use crate::schema::{class_seats, live_classes, participations};
use crate::store::{DieselStore, corrupt, write_transaction};
use crate::waitlist;

/// The user's active participation in the class, if any (at most one: see
/// `admission`).
pub(crate) fn active_participation(
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

/// Takes a `FOR SHARE` lock on the class row on PostgreSQL (SQLite's
/// immediate transaction already excludes every other writer). `false` when
/// the class does not exist in the tenant.
pub(crate) fn lock_class_shared(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<bool, DieselError> {
    Ok(lock_class_capacity(conn, tenant, id)?.is_some())
}

/// [`lock_class_shared`], reading the class's capacity in the same
/// statement (for the `participant.left` of [`end_stay`]); `None` when the
/// class does not exist in the tenant.
pub(crate) fn lock_class_capacity(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<u32>, DieselError> {
    let query = live_classes::table
        .filter(live_classes::id.eq(id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select(live_classes::max_participants);
    let found: Option<i32> = per_backend!(conn,
        postgres: |c| query.for_share().first(c).optional()?,
        sqlite: |c| query.first(c).optional()?,
    );
    Ok(found.map(|capacity| u32::try_from(capacity).unwrap_or(0)))
}

#[async_trait]
impl ParticipationRepository for DieselStore {
    async fn admit(&self, request: &AdmitRequest) -> Result<AdmitOutcome, RepoError> {
        let request = request.clone();
        self.run("admit participant", move |conn| {
            admission::admit(conn, &request)
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
                let Some(capacity) = lock_class_capacity(conn, &tenant, &class_id)? else {
                    return Ok(None);
                };
                let Some(participation) = active_participation(conn, &class_id, &user_id)? else {
                    return Ok(None);
                };
                waitlist::lock_line(conn, &class_id)?;
                let ended = end_stay(conn, participation, LeaveReason::Left, capacity, at)?;
                if ended.is_some() {
                    waitlist::fill_free_seats(conn, &tenant, &class_id, at)?;
                }
                Ok(ended)
            })
        })
        .await
    }

    async fn is_removed(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<bool, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("read removal", move |conn| {
            removed_from_class(conn, &tenant, &class_id, &user)
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

    async fn list_for_classes(
        &self,
        tenant: &TenantId,
        class_ids: &[ClassId],
    ) -> Result<Vec<Participation>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        let ids: Vec<String> = class_ids.iter().map(ToString::to_string).collect();
        self.run("list participations of classes", move |conn| {
            let mut all = Vec::new();
            // Bounded IN lists (SQLite's parameter limit).
            for chunk in ids.chunks(500) {
                let rows: Vec<ParticipationRow> = participations::table
                    .filter(participations::tenant_id.eq(&tenant))
                    .filter(participations::class_id.eq_any(chunk))
                    .order((
                        participations::class_id.asc(),
                        participations::joined_at.asc(),
                        participations::id.asc(),
                    ))
                    .select(ParticipationRow::as_select())
                    .load(conn)?;
                for row in rows {
                    all.push(Participation::try_from(row).map_err(corrupt)?);
                }
            }
            Ok(all)
        })
        .await
    }
}

/// Ends an active participation at `at` (clamped up to its start) with
/// `reason` and frees its seat, appending `participant.left` (with the
/// class's `capacity`, as [`lock_class_capacity`] read it); `None` when a
/// concurrent leave closed it first. The caller is in a write transaction
/// holding the class row, and then hands the seat on with
/// [`waitlist::fill_free_seats`].
pub(crate) fn end_stay(
    conn: &mut AnyConnection,
    mut participation: Participation,
    reason: LeaveReason,
    capacity: u32,
    at: OffsetDateTime,
) -> Result<Option<Participation>, DieselError> {
    let left_at = at.max(participation.joined_at);
    let id = participation.id.to_string();
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
    let event = NewEvent::participant_left(&participation, reason, capacity);
    events::append(conn, &event)?;
    Ok(Some(participation))
}

pub(crate) fn load_participations(
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
