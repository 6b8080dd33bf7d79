//! [`DieselStore`] as the domain's `ControlsRepository`: co-hosts (a JSON
//! array on the class row, read with every class, so deciding who
//! moderates costs no query of its own) and the controls of participations
//! (columns of `participations`, migration `participant_controls`).
//!
//! Lock order, as everywhere (see `classes`): the class row first (`FOR
//! UPDATE` for a co-host change, which rewrites it; `FOR SHARE` for a
//! controls change, like a leave, so an end waits for it and no change
//! lands in an ended class), then the participation rows.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::class::{ClassStatus, CoHostChange, LiveClass, Participation};
use liveclass_domain::controls::{
    CoHostOutcome, ControlsChange, ControlsOutcome, ControlsRepository, MuteAllOutcome,
    ParticipantControls, ParticipantState, mute_all_patch, muted_by_mute_all,
};
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::backend::per_backend;
use crate::classes::{load_class, load_status, lock_class_exclusive};
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::lock_class_shared;
use crate::rows::{ParticipationRow, co_hosts_text, from_db_time, to_db_time};
use crate::schema::{live_classes, participations};
use crate::store::{DieselStore, corrupt, write_transaction};

/// The control columns of a participation.
#[derive(Debug, Clone, Copy, Queryable, Selectable)]
#[diesel(table_name = participations)]
struct ControlsRow {
    mic_allowed: bool,
    camera_allowed: bool,
    hand_raised_at: Option<PrimitiveDateTime>,
    screen_sharing: bool,
}

impl From<ControlsRow> for ParticipantControls {
    fn from(r: ControlsRow) -> Self {
        Self {
            mic_allowed: r.mic_allowed,
            camera_allowed: r.camera_allowed,
            hand_raised_at: r.hand_raised_at.map(from_db_time),
            screen_sharing: r.screen_sharing,
        }
    }
}

fn state(row: (ParticipationRow, ControlsRow)) -> Result<ParticipantState, DieselError> {
    Ok(ParticipantState {
        participation: Participation::try_from(row.0).map_err(corrupt)?,
        controls: row.1.into(),
    })
}

/// The class's active participations with their controls, by `joined_at`
/// (only `user`'s when given); locked `FOR UPDATE` on PostgreSQL when
/// `lock` (SQLite's immediate transaction already excludes other writers).
fn active_states(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: Option<&str>,
    lock: bool,
) -> Result<Vec<ParticipantState>, DieselError> {
    // A macro, not a value: `as_select` is typed per backend, and each arm
    // below runs on a different one.
    macro_rules! all {
        () => {
            participations::table
                .filter(participations::class_id.eq(class_id))
                .filter(participations::tenant_id.eq(tenant))
                .filter(participations::left_at.is_null())
                .order((participations::joined_at.asc(), participations::id.asc()))
                .select((ParticipationRow::as_select(), ControlsRow::as_select()))
        };
    }
    let rows: Vec<(ParticipationRow, ControlsRow)> = match (user, lock) {
        (Some(user), true) => per_backend!(conn,
            postgres: |c| all!()
                .filter(participations::user_id.eq(user))
                .for_update()
                .load(c)?,
            sqlite: |c| all!().filter(participations::user_id.eq(user)).load(c)?,
        ),
        (Some(user), false) => all!().filter(participations::user_id.eq(user)).load(conn)?,
        (None, true) => per_backend!(conn,
            postgres: |c| all!().for_update().load(c)?,
            sqlite: |c| all!().load(c)?,
        ),
        (None, false) => all!().load(conn)?,
    };
    rows.into_iter().map(state).collect()
}

/// Writes a participation's controls.
fn write_controls(conn: &mut AnyConnection, s: &ParticipantState) -> Result<(), DieselError> {
    diesel::update(
        participations::table.filter(participations::id.eq(s.participation.id.to_string())),
    )
    .set((
        participations::mic_allowed.eq(s.controls.mic_allowed),
        participations::camera_allowed.eq(s.controls.camera_allowed),
        participations::hand_raised_at.eq(s.controls.hand_raised_at.map(to_db_time)),
        participations::screen_sharing.eq(s.controls.screen_sharing),
    ))
    .execute(conn)?;
    Ok(())
}

/// Applies `change` to `current`; writes it and appends its events when it
/// changed anything.
fn apply(
    conn: &mut AnyConnection,
    current: ParticipantState,
    change: ControlsChange,
    by: &UserId,
    at: OffsetDateTime,
) -> Result<(ParticipantState, bool), DieselError> {
    let (controls, effect) = current.controls.apply(change, at);
    let next = ParticipantState {
        controls,
        ..current
    };
    if effect.changed() {
        write_controls(conn, &next)?;
        for event in NewEvent::controls_changed(&next, effect, by, at) {
            events::append(conn, &event)?;
        }
    }
    Ok((next, effect.changed()))
}

fn change_co_host(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &UserId,
    change: CoHostChange,
    by: &UserId,
    at: OffsetDateTime,
) -> Result<CoHostOutcome, DieselError> {
    if lock_class_exclusive(conn, tenant, class_id)?.is_none() {
        return Ok(CoHostOutcome::NotFound);
    }
    let Some(mut class) = load_class(conn, tenant, class_id)? else {
        return Ok(CoHostOutcome::NotFound);
    };
    let co_hosts = match class.co_hosts_after(user, change) {
        Err(refusal) => return Ok(CoHostOutcome::Refused(refusal)),
        Ok(None) => return Ok(CoHostOutcome::Unchanged(Box::new(class))),
        Ok(Some(co_hosts)) => co_hosts,
    };
    diesel::update(
        live_classes::table
            .filter(live_classes::id.eq(class_id))
            .filter(live_classes::tenant_id.eq(tenant)),
    )
    .set((
        live_classes::co_hosts.eq(co_hosts_text(&co_hosts)),
        live_classes::updated_at.eq(to_db_time(at)),
    ))
    .execute(conn)?;
    class.co_hosts = co_hosts;
    class.updated_at = at;
    events::append(
        conn,
        &NewEvent::co_host_changed(&class, user, change, by, at),
    )?;
    Ok(CoHostOutcome::Changed(Box::new(class)))
}

/// The class's status under a shared lock, or why a controls change stops.
fn live_class_locked(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
) -> Result<Result<(), ControlsOutcome>, DieselError> {
    if !lock_class_shared(conn, tenant, class_id)? {
        return Ok(Err(ControlsOutcome::NotFound));
    }
    Ok(match load_status(conn, tenant, class_id)? {
        None => Err(ControlsOutcome::NotFound),
        Some(ClassStatus::Live) => Ok(()),
        Some(status) => Err(ControlsOutcome::NotLive(status)),
    })
}

fn change_controls(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &UserId,
    change: ControlsChange,
    by: &UserId,
    at: OffsetDateTime,
) -> Result<ControlsOutcome, DieselError> {
    if let Err(refusal) = live_class_locked(conn, tenant, class_id)? {
        return Ok(refusal);
    }
    let Some(current) = active_states(conn, tenant, class_id, Some(user.as_str()), true)?
        .into_iter()
        .next()
    else {
        return Ok(ControlsOutcome::NotParticipating);
    };
    let (next, _) = apply(conn, current, change, by, at)?;
    Ok(ControlsOutcome::Done(Box::new(next)))
}

fn mute_all(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    camera_too: bool,
    by: &UserId,
    at: OffsetDateTime,
) -> Result<MuteAllOutcome, DieselError> {
    if !lock_class_shared(conn, tenant, class_id)? {
        return Ok(MuteAllOutcome::NotFound);
    }
    // The class as it is under the lock: its status and its co-hosts.
    let Some(class): Option<LiveClass> = load_class(conn, tenant, class_id)? else {
        return Ok(MuteAllOutcome::NotFound);
    };
    if class.status != ClassStatus::Live {
        return Ok(MuteAllOutcome::NotLive(class.status));
    }
    let change = ControlsChange::Patch(mute_all_patch(camera_too));
    let mut muted = Vec::new();
    for current in active_states(conn, tenant, class_id, None, true)? {
        if !muted_by_mute_all(&class, &current.participation.user_id) {
            continue;
        }
        let (next, changed) = apply(conn, current, change, by, at)?;
        if changed {
            muted.push(next);
        }
    }
    Ok(MuteAllOutcome::Muted(muted))
}

#[async_trait]
impl ControlsRepository for DieselStore {
    async fn change_co_host(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        change: CoHostChange,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<CoHostOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (user, by) = (user.clone(), by.clone());
        self.run("change co-host", move |conn| {
            write_transaction(conn, |conn| {
                change_co_host(conn, &tenant, &class_id, &user, change, &by, at)
            })
        })
        .await
    }

    async fn participant_states(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Option<(LiveClass, Vec<ParticipantState>)>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("read participant controls", move |conn| {
            let Some(class) = load_class(conn, &tenant, &class_id)? else {
                return Ok(None);
            };
            let states = active_states(conn, &tenant, &class_id, None, false)?;
            Ok(Some((class, states)))
        })
        .await
    }

    async fn controls_of(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<ParticipantControls>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("read participant controls", move |conn| {
            let row: Option<ControlsRow> = participations::table
                .filter(participations::class_id.eq(&class_id))
                .filter(participations::tenant_id.eq(&tenant))
                .filter(participations::user_id.eq(&user))
                .filter(participations::left_at.is_null())
                .select(ControlsRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(ParticipantControls::from))
        })
        .await
    }

    async fn change_controls(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        change: ControlsChange,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<ControlsOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (user, by) = (user.clone(), by.clone());
        self.run("change participant controls", move |conn| {
            write_transaction(conn, |conn| {
                change_controls(conn, &tenant, &class_id, &user, change, &by, at)
            })
        })
        .await
    }

    async fn mute_all(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        camera_too: bool,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<MuteAllOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let by = by.clone();
        self.run("mute all", move |conn| {
            write_transaction(conn, |conn| {
                mute_all(conn, &tenant, &class_id, camera_too, &by, at)
            })
        })
        .await
    }
}
