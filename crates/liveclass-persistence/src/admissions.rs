//! [`DieselStore`] as the domain's `AdmissionRepository`: requests to join
//! `approval` classes, bans (removal), and the waitlist's reads and exits.
//! The seat hand-over itself is in `waitlist`; the checks a join meets are
//! in `admission`.
//!
//! **Races with a join**, each settled by a lock the admission also takes:
//! - a removal takes the admission's per-(class, user) advisory lock on
//!   PostgreSQL before it bans, so a join of that user is either before it
//!   (and the removal ends the stay it made) or after it (and meets the ban);
//! - a withdrawn approval updates the request row the admission reads
//!   `FOR SHARE`, with the same effect;
//! - a promotion of a user who is being removed or withdrawn is serialised
//!   with it on the waitlist entry's row lock.
//!
//! SQLite runs one writer at a time, so none of this needs a lock there.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::Text;
use liveclass_domain::admission::{
    AdmissionRepository, DecideOutcome, Decision, JoinRequest, RemoveOutcome, RequestId,
    RequestOutcome, RequestStatus, WaitStatus, WaitlistEntry,
};
use liveclass_domain::events::{EventType, LeaveReason, NewEvent};
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::events;
use crate::participations::{
    active_participation, end_stay, lock_class_capacity, lock_class_shared,
};
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{class_bans, join_requests, waitlist_entries};
use crate::store::{DieselStore, corrupt, write_transaction};
use crate::waitlist::{self, EntryRow};

/// Whether `user` was removed from the class (a row of `class_bans`).
/// **The one place** that decides it: chat, questions, polls, tokens and
/// requests ask here; the admission checks the same table in its own
/// statement.
pub(crate) fn removed_from_class(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    user: &str,
) -> Result<bool, DieselError> {
    diesel::select(diesel::dsl::exists(
        class_bans::table
            .filter(class_bans::class_id.eq(class_id))
            .filter(class_bans::user_id.eq(user))
            .filter(class_bans::tenant_id.eq(tenant)),
    ))
    .get_result(conn)
}

/// PostgreSQL: the admission's advisory lock for this user and class (see
/// `liveclass_admit`), held until commit. SQLite: nothing (one writer).
fn lock_user_admissions(
    conn: &mut AnyConnection,
    class_id: &str,
    user: &str,
) -> Result<(), DieselError> {
    per_backend!(conn,
        postgres: |c| {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))")
                .bind::<Text, _>(class_id)
                .bind::<Text, _>(user)
                .execute(c)
                .map(drop)
        },
        sqlite: |_| Ok(()),
    )
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = join_requests)]
struct RequestRow {
    id: String,
    tenant_id: String,
    class_id: String,
    user_id: String,
    user_name: Option<String>,
    status: String,
    requested_at: time::PrimitiveDateTime,
    decided_at: Option<time::PrimitiveDateTime>,
    decided_by: Option<String>,
}

impl TryFrom<RequestRow> for JoinRequest {
    type Error = DieselError;

    fn try_from(r: RequestRow) -> Result<Self, DieselError> {
        let bad = |e: liveclass_domain::validation::ValidationError| corrupt(e.into());
        Ok(Self {
            id: RequestId::from_uuid(uuid(&r.id, "request id").map_err(corrupt)?),
            tenant_id: TenantId::parse(&r.tenant_id).map_err(bad)?,
            class_id: ClassId::from_uuid(uuid(&r.class_id, "class id").map_err(corrupt)?),
            user_id: UserId::parse(&r.user_id).map_err(bad)?,
            user_name: r.user_name,
            status: RequestStatus::parse(&r.status).map_err(bad)?,
            requested_at: from_db_time(r.requested_at),
            decided_at: r.decided_at.map(from_db_time),
            decided_by: r
                .decided_by
                .as_deref()
                .map(UserId::parse)
                .transpose()
                .map_err(bad)?,
        })
    }
}

fn find_request(
    conn: &mut AnyConnection,
    class_id: &str,
    user: &str,
) -> Result<Option<JoinRequest>, DieselError> {
    join_requests::table
        .filter(join_requests::class_id.eq(class_id))
        .filter(join_requests::user_id.eq(user))
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .map(JoinRequest::try_from)
        .transpose()
}

#[async_trait]
impl AdmissionRepository for DieselStore {
    async fn request_to_join(&self, request: &JoinRequest) -> Result<RequestOutcome, RepoError> {
        let request = request.clone();
        self.run("ask to join", move |conn| {
            write_transaction(conn, |conn| {
                let class_id = request.class_id.to_string();
                let row = (
                    join_requests::id.eq(request.id.to_string()),
                    join_requests::tenant_id.eq(request.tenant_id.as_str()),
                    join_requests::class_id.eq(&class_id),
                    join_requests::user_id.eq(request.user_id.as_str()),
                    join_requests::user_name.eq(request.user_name.as_deref()),
                    join_requests::status.eq(request.status.as_str()),
                    join_requests::requested_at.eq(to_db_time(request.requested_at)),
                );
                // `ON CONFLICT` needs the concrete backend.
                let inserted = per_backend!(conn, |c| {
                    diesel::insert_into(join_requests::table)
                        .values(row)
                        .on_conflict((join_requests::class_id, join_requests::user_id))
                        .do_nothing()
                        .execute(c)?
                });
                let stored = find_request(conn, &class_id, request.user_id.as_str())?
                    .ok_or_else(|| corrupt(anyhow::anyhow!("join request vanished")))?;
                if inserted == 0 {
                    return Ok(RequestOutcome::Existing(stored));
                }
                events::append(
                    conn,
                    &NewEvent::join_request(
                        &stored,
                        EventType::JoinRequestCreated,
                        stored.requested_at,
                    ),
                )?;
                Ok(RequestOutcome::Created(stored))
            })
        })
        .await
    }

    async fn list_requests(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<JoinRequest>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list join requests", move |conn| {
            join_requests::table
                .filter(join_requests::tenant_id.eq(&tenant))
                .filter(join_requests::class_id.eq(&class_id))
                .order((join_requests::requested_at.asc(), join_requests::id.asc()))
                .select(RequestRow::as_select())
                .load(conn)?
                .into_iter()
                .map(JoinRequest::try_from)
                .collect()
        })
        .await
    }

    async fn find_request(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<JoinRequest>, RepoError> {
        let (tenant, class_id) = (tenant.clone(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("read join request", move |conn| {
            Ok(find_request(conn, &class_id, &user)?.filter(|r| r.tenant_id == tenant))
        })
        .await
    }

    async fn decide(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        request: RequestId,
        decision: Decision,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<DecideOutcome, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let (request, by) = (request.to_string(), by.as_str().to_owned());
        self.run("decide join request", move |conn| {
            write_transaction(conn, |conn| {
                let Some(capacity) = lock_class_capacity(conn, &tenant, &class_id)? else {
                    return Ok(DecideOutcome::NotFound);
                };
                // The row lock of this update is what a concurrent admission
                // reading the approval `FOR SHARE` waits for (or holds).
                let updated = diesel::update(
                    join_requests::table
                        .filter(join_requests::id.eq(&request))
                        .filter(join_requests::class_id.eq(&class_id))
                        .filter(join_requests::tenant_id.eq(&tenant)),
                )
                .set((
                    join_requests::status.eq(decision.status().as_str()),
                    join_requests::decided_at.eq(Some(to_db_time(at))),
                    join_requests::decided_by.eq(Some(&by)),
                ))
                .execute(conn)?;
                if updated == 0 {
                    return Ok(DecideOutcome::NotFound);
                }
                let stored: JoinRequest = join_requests::table
                    .filter(join_requests::id.eq(&request))
                    .select(RequestRow::as_select())
                    .first(conn)?
                    .try_into()?;
                let event_type = match decision {
                    Decision::Approve => EventType::JoinRequestApproved,
                    Decision::Reject => EventType::JoinRequestRejected,
                };
                events::append(conn, &NewEvent::join_request(&stored, event_type, at))?;
                let mut removed = None;
                if decision == Decision::Reject {
                    // A withdrawn approval: out of the line and out of the
                    // class; the seat goes to the first in line.
                    let user = stored.user_id.as_str();
                    let tenant_id = stored.tenant_id.clone();
                    waitlist::end_waiting(
                        conn,
                        &tenant_id,
                        &class_id,
                        user,
                        WaitStatus::Removed,
                        at,
                    )?;
                    waitlist::lock_line(conn, &class_id)?;
                    if let Some(p) = active_participation(conn, &class_id, user)? {
                        removed = end_stay(conn, p, LeaveReason::ApprovalWithdrawn, capacity, at)?;
                        waitlist::fill_free_seats(conn, &tenant, &class_id, at)?;
                    }
                }
                Ok(DecideOutcome::Decided {
                    request: stored,
                    removed,
                })
            })
        })
        .await
    }

    async fn remove(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<RemoveOutcome, RepoError> {
        let (tenant, class) = (tenant.clone(), class_id);
        let (user, by) = (user.clone(), by.clone());
        self.run("remove participant", move |conn| {
            write_transaction(conn, |conn| {
                let class_id = class.to_string();
                // The admission's order: the user's lock, then the class.
                lock_user_admissions(conn, &class_id, user.as_str())?;
                let Some(capacity) = lock_class_capacity(conn, tenant.as_str(), &class_id)? else {
                    return Ok(RemoveOutcome::NotFound);
                };
                waitlist::lock_line(conn, &class_id)?;
                let ban = (
                    class_bans::class_id.eq(&class_id),
                    class_bans::user_id.eq(user.as_str()),
                    class_bans::tenant_id.eq(tenant.as_str()),
                    class_bans::banned_at.eq(to_db_time(at)),
                    class_bans::banned_by.eq(by.as_str()),
                );
                per_backend!(conn, |c| {
                    diesel::insert_into(class_bans::table)
                        .values(ban)
                        .on_conflict((class_bans::class_id, class_bans::user_id))
                        .do_nothing()
                        .execute(c)?
                });
                waitlist::end_waiting(
                    conn,
                    &tenant,
                    &class_id,
                    user.as_str(),
                    WaitStatus::Removed,
                    at,
                )?;
                let mut ended = None;
                if let Some(p) = active_participation(conn, &class_id, user.as_str())? {
                    ended = end_stay(conn, p, LeaveReason::Removed, capacity, at)?;
                    waitlist::fill_free_seats(conn, tenant.as_str(), &class_id, at)?;
                }
                events::append(
                    conn,
                    &NewEvent::participant_removed(&tenant, class, &user, &by, ended.is_some(), at),
                )?;
                Ok(RemoveOutcome::Removed { ended })
            })
        })
        .await
    }

    async fn waitlist(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<WaitlistEntry>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("read waitlist", move |conn| {
            let rows: Vec<EntryRow> = waitlist_entries::table
                .filter(waitlist_entries::tenant_id.eq(&tenant))
                .filter(waitlist_entries::class_id.eq(&class_id))
                .filter(waitlist_entries::status.eq(WaitStatus::Waiting.as_str()))
                .order(waitlist_entries::seq.asc())
                .select(EntryRow::as_select())
                .load(conn)?;
            rows.into_iter()
                .zip(1u64..)
                .map(|(row, position)| row.into_entry(Some(position)))
                .collect()
        })
        .await
    }

    async fn my_entry(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<Option<WaitlistEntry>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("read waitlist entry", move |conn| {
            let row: Option<EntryRow> = waitlist_entries::table
                .filter(waitlist_entries::tenant_id.eq(&tenant))
                .filter(waitlist_entries::class_id.eq(&class_id))
                .filter(waitlist_entries::user_id.eq(&user))
                .order(waitlist_entries::seq.desc())
                .select(EntryRow::as_select())
                .first(conn)
                .optional()?;
            let Some(row) = row else {
                return Ok(None);
            };
            let position = if row.status == WaitStatus::Waiting.as_str() {
                Some(waitlist::position(conn, &class_id, row.seq)?)
            } else {
                None
            };
            row.into_entry(position).map(Some)
        })
        .await
    }

    async fn leave_waitlist(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let (tenant, class_id) = (tenant.clone(), class_id.to_string());
        let user = user.as_str().to_owned();
        self.run("leave waitlist", move |conn| {
            write_transaction(conn, |conn| {
                if !lock_class_shared(conn, tenant.as_str(), &class_id)? {
                    return Ok(false);
                }
                waitlist::end_waiting(conn, &tenant, &class_id, &user, WaitStatus::Left, at)
            })
        })
        .await
    }
}
