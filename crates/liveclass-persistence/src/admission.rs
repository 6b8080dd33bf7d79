//! Admission: taking a seat in a live class, on both backends side by side.
//!
//! # The contract both paths implement
//!
//! Given an [`AdmitRequest`] (tenant, class, user, new participation id,
//! instant), the outcome is, checked in this order:
//!
//! 1. `NotFound` when the class is not in the tenant;
//! 2. `AlreadyActive(p)` when the user already has an active participation in
//!    the class (it is returned, nothing is written): **one active
//!    participation per user and class**, also enforced by the unique index
//!    `participations_one_active_per_user` (migration
//!    `2026-11-22-000001_create_live_classes`, both backends);
//! 3. `NotLive(status)` when the class is not live;
//! 4. `NotOnRoster` when the class's admission policy is `roster` and the
//!    user is neither its creator nor on the roster of its course
//!    (`course_rosters`, migration `2026-12-01-120000_admission_policies`);
//!    a removal from the roster does not eject anyone, so a join that read
//!    the roster before a removal committed is ordered before it;
//! 5. `NotApproved` when the class's policy is `approval` and the user is
//!    neither its creator nor holds an `approved` request (`join_requests`,
//!    read `FOR SHARE` on PostgreSQL so that a withdrawal and this admission
//!    are ordered);
//! 6. `Full { capacity }` when every seat is taken, or, when the request
//!    asks to wait, `Waiting { position }`: the user is put in the class's
//!    waitlist (see `waitlist` for how no seat stays free while someone
//!    waits);
//! 7. otherwise `Admitted(p)`: a free seat row of `class_seats` now names the
//!    participation and the participation row records its `seat_no` (the
//!    creator's own seat for the creator, see below).
//!
//! Between 2 and 3: `Removed` when a moderator removed the user from the
//! class (`class_bans`), and `Waiting { position }` when the user is in the
//! class's line already (a user in line never takes a seat past it).
//!
//! **Capacity via seat rows**: while a class is live it has exactly
//! `max_participants` rows in `class_seats` (start makes them, end drops
//! them, a capacity change resizes them). An active participation must hold a
//! seat (CHECK `(left_at IS NULL) = (seat_no IS NOT NULL)` and a foreign key
//! to the seat) and a seat holds at most one (unique indexes), so the
//! database itself guarantees active ≤ seats = capacity, whatever the code
//! does. See `migrations/*/2026-11-22-000300_class_seats/up.sql`.
//!
//! **The creator's seat** (seed 004: a teacher is never locked out of their
//! own class): seat [`CREATOR_SEAT`] is held for the class's creator, who is
//! seated there when the class starts (`classes::seat_creator`) and takes it
//! again on a rejoin; everyone else, waitlist promotions included, is
//! seated from [`FIRST_GUEST_SEAT`] on. `maxParticipants` thus counts the
//! teacher too, and a class admits at most `maxParticipants - 1` others.
//! (A class that was live before the rule may have someone else in seat 1;
//! its creator then takes any free seat, as everyone did.)
//!
//! **Lock order** (shared with `classes` and `participations`): the class row
//! first (`FOR SHARE` for joins and leaves, which then do not block each
//! other; start, end and capacity changes lock it exclusively and so wait
//! for the joins under way), then seat rows, then participation rows. Nothing
//! deadlocks and no join slips past an end.
//!
//! **No overlapping stays**: one user's stays in one class never overlap in
//! time (attendance sums add them up). A stay is `[joined_at, left_at)`; a
//! new stay's `joined_at` is clamped up to the user's last `left_at` in the
//! class, inside the admission (joins and leaves are stamped by each server's
//! clock, and a rejoin handled by a server whose clock is behind would
//! otherwise begin before the leave); a leave's `left_at` is clamped up to
//! its `joined_at` (CHECK `left_at >= joined_at`). Triggers
//! `participations_stays_do_not_overlap*` (migration
//! `2026-11-30-000900_stays_never_overlap`, both backends) refuse any write
//! that would still overlap two stays.
//!
//! **The event**: an admission appends `participant.joined` in its
//! transaction (module `events`): on PostgreSQL inside `liveclass_admit`,
//! which builds the same data as `NewEvent::participant_joined` (a test
//! compares them).
//!
//! # PostgreSQL
//!
//! One call of the plpgsql function `liveclass_admit`, defined in
//! `migrations/postgres/2026-11-22-000300_class_seats/up.sql` (the current
//! version in `2026-12-01-123000_creator_seat`): one round trip,
//! one implicit transaction. It serialises joins of the same user to the same
//! class with a transaction-level advisory lock, reads the class `FOR SHARE`,
//! and takes a free seat with `FOR UPDATE SKIP LOCKED` starting at a random
//! seat, so concurrent joins of one class lock different rows and commit side
//! by side.
//!
//! # SQLite
//!
//! [`admit_sqlite`]: the same steps in the same order, in an immediate
//! transaction (`BEGIN IMMEDIATE`: one writer at a time, so no seat needs
//! skipping and no row lock is needed). Should the unique index still refuse
//! a second active participation, the existing one is answered.

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamp};
use liveclass_domain::admission::RequestStatus;
use liveclass_domain::class::{
    AdmissionPolicy, AdmitOutcome, AdmitRequest, ClassStatus, ParticipantRole, Participation,
};
use liveclass_domain::events::{EventId, NewEvent};

use crate::admissions::removed_from_class;
use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::active_participation;
use crate::rows::{NewParticipationRow, ParticipationRow, from_db_time, parse_status, to_db_time};
use crate::schema::{class_seats, course_rosters, join_requests, live_classes, participations};
use crate::store::{corrupt, is_unique_violation, write_transaction};
use crate::waitlist;

/// The seat held for the class's creator.
pub(crate) const CREATOR_SEAT: i32 = 1;
/// The first seat anyone else may take.
pub(crate) const FIRST_GUEST_SEAT: i32 = 2;

/// Admits per the contract in the module docs, on either backend.
pub(crate) fn admit(
    conn: &mut AnyConnection,
    request: &AdmitRequest,
) -> Result<AdmitOutcome, DieselError> {
    per_backend!(conn,
        postgres: |c| admit_postgres(c, request),
        // The SQLite path needs the whole `AnyConnection` for its transaction.
        sqlite: |_| {
            match write_transaction(conn, |conn| admit_sqlite(conn, request)) {
                Err(e) if is_unique_violation(&e) => {
                    let class_id = request.class_id.to_string();
                    match active_participation(conn, &class_id, request.user_id.as_str())? {
                        Some(p) => Ok(AdmitOutcome::AlreadyActive(p)),
                        None => Err(e),
                    }
                }
                other => other,
            }
        },
    )
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
    #[diesel(sql_type = Nullable<BigInt>)]
    waitlist_position: Option<i64>,
}

/// PostgreSQL: the whole admission is one statement, so one round trip and an
/// implicit transaction. `liveclass_admit` is defined (and its invariants
/// argued) in `migrations/postgres/2026-11-22-000300_class_seats/up.sql`; its
/// outcomes are the strings matched below.
fn admit_postgres(
    conn: &mut diesel::PgConnection,
    r: &AdmitRequest,
) -> Result<AdmitOutcome, DieselError> {
    let row: AdmitRow =
        diesel::sql_query("SELECT * FROM liveclass_admit($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind::<Text, _>(r.tenant_id.as_str())
            .bind::<Text, _>(r.class_id.to_string())
            .bind::<Text, _>(r.user_id.as_str())
            .bind::<Nullable<Text>, _>(r.user_name.as_deref())
            .bind::<Text, _>(r.role.as_str())
            .bind::<Text, _>(r.participation_id.to_string())
            .bind::<Timestamp, _>(to_db_time(r.at))
            .bind::<Text, _>(EventId::random().to_string())
            .bind::<Bool, _>(r.wait)
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
        "admitted" => AdmitOutcome::Admitted(Participation {
            joined_at: from_db_time(row.joined_at.ok_or_else(|| {
                corrupt(anyhow::anyhow!(
                    "liveclass_admit admitted without joined_at"
                ))
            })?),
            ..admitted(r)
        }),
        "already_active" => AdmitOutcome::AlreadyActive(existing(r, &row)?),
        "full" => AdmitOutcome::Full {
            capacity: u32::try_from(row.capacity.unwrap_or(0)).unwrap_or(0),
        },
        "not_live" => AdmitOutcome::NotLive(status()?),
        "not_on_roster" => AdmitOutcome::NotOnRoster,
        "not_approved" => AdmitOutcome::NotApproved,
        "removed" => AdmitOutcome::Removed,
        "waiting" => AdmitOutcome::Waiting {
            position: row
                .waitlist_position
                .and_then(|p| u64::try_from(p).ok())
                .ok_or_else(|| {
                    corrupt(anyhow::anyhow!(
                        "liveclass_admit answered waiting without a position"
                    ))
                })?,
        },
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

    type ClassFacts = (String, i32, String, Option<String>, String);
    let found: Option<ClassFacts> = live_classes::table
        .filter(live_classes::id.eq(&class_id))
        .filter(live_classes::tenant_id.eq(tenant))
        .select((
            live_classes::status,
            live_classes::max_participants,
            live_classes::admission_policy,
            live_classes::course_id,
            live_classes::created_by,
        ))
        .first(conn)
        .optional()?;
    let Some((status, capacity, policy, course, creator)) = found else {
        return Ok(AdmitOutcome::NotFound);
    };
    if let Some(existing) = active_participation(conn, &class_id, r.user_id.as_str())? {
        return Ok(AdmitOutcome::AlreadyActive(existing));
    }
    if removed_from_class(conn, tenant, &class_id, r.user_id.as_str())? {
        return Ok(AdmitOutcome::Removed);
    }
    if let Some(entry) = waitlist::waiting_entry(conn, &class_id, r.user_id.as_str())? {
        return Ok(AdmitOutcome::Waiting {
            position: waitlist::position(conn, &class_id, entry.seq)?,
        });
    }
    let status = parse_status(&status).map_err(corrupt)?;
    if status != ClassStatus::Live {
        return Ok(AdmitOutcome::NotLive(status));
    }
    let policy = AdmissionPolicy::parse(&policy).map_err(|e| corrupt(e.into()))?;
    if policy == AdmissionPolicy::Roster && creator != r.user_id.as_str() {
        let on_roster = diesel::select(diesel::dsl::exists(
            course_rosters::table
                .filter(course_rosters::tenant_id.eq(tenant))
                .filter(course_rosters::course_id.nullable().eq(course))
                .filter(course_rosters::user_id.eq(r.user_id.as_str())),
        ))
        .get_result::<bool>(conn)?;
        if !on_roster {
            return Ok(AdmitOutcome::NotOnRoster);
        }
    }
    if policy == AdmissionPolicy::Approval && creator != r.user_id.as_str() {
        let approved = diesel::select(diesel::dsl::exists(
            join_requests::table
                .filter(join_requests::class_id.eq(&class_id))
                .filter(join_requests::user_id.eq(r.user_id.as_str()))
                .filter(join_requests::status.eq(RequestStatus::Approved.as_str())),
        ))
        .get_result::<bool>(conn)?;
        if !approved {
            return Ok(AdmitOutcome::NotApproved);
        }
    }
    // The creator's own seat first (see "The creator's seat" above); anyone
    // else, and a creator whose seat someone took before the rule existed,
    // the lowest free guest seat.
    let is_creator = creator == r.user_id.as_str();
    let free_seat = |conn: &mut AnyConnection, from: i32| {
        class_seats::table
            .filter(class_seats::class_id.eq(&class_id))
            .filter(class_seats::participation_id.is_null())
            .filter(class_seats::seat_no.ge(from))
            .order(class_seats::seat_no.asc())
            .select(class_seats::seat_no)
            .first::<i32>(conn)
            .optional()
    };
    let seat = match free_seat(conn, CREATOR_SEAT)? {
        Some(CREATOR_SEAT) if is_creator => Some(CREATOR_SEAT),
        _ => free_seat(conn, FIRST_GUEST_SEAT)?,
    };
    let Some(seat_no) = seat else {
        if r.wait {
            let position = waitlist::enter_sqlite(
                conn,
                &r.tenant_id,
                r.class_id,
                &r.user_id,
                r.user_name.as_deref(),
                r.at,
            )?;
            return Ok(AdmitOutcome::Waiting { position });
        }
        return Ok(AdmitOutcome::Full {
            capacity: u32::try_from(capacity).unwrap_or(0),
        });
    };
    // The stay begins no earlier than the user's last stay here ended (see
    // "No overlapping stays" in the module docs).
    let last_left: Option<time::PrimitiveDateTime> = participations::table
        .filter(participations::class_id.eq(&class_id))
        .filter(participations::user_id.eq(r.user_id.as_str()))
        .select(diesel::dsl::max(participations::left_at))
        .first(conn)?;
    let participation = Participation {
        joined_at: last_left.map_or(r.at, |left| r.at.max(from_db_time(left))),
        ..admitted(r)
    };
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
    events::append(
        conn,
        &NewEvent::participant_joined(&participation, u32::try_from(capacity).unwrap_or(0)),
    )?;
    Ok(AdmitOutcome::Admitted(participation))
}
