//! [`DieselStore`] as the domain's `PollRepository`: class polls.
//!
//! A vote runs in one write transaction: the class checks of a post
//! (`messages::refusal`: class row for share, live, admitted, not removed),
//! the poll row locked for share on PostgreSQL (so a close waits for the
//! votes in flight and no vote lands after it), the poll open, then the
//! ballot inserted `ON CONFLICT DO NOTHING` — the `(poll_id, user_id)` key
//! makes the vote once-only — and its choices, then `poll.voted` with the
//! counts as this transaction sees them.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, PollId, TenantId, UserId};
use liveclass_domain::interaction::{
    Ballot, Poll, PollRepository, PollSpec, PollStatus, PostGuard, VoteOutcome,
};
use liveclass_domain::store::RepoError;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::events;
use crate::messages::refusal;
use crate::rows::{from_db_time, to_db_time, uuid};
use crate::schema::{poll_ballots, poll_choices, poll_options, polls};
use crate::store::{DieselStore, corrupt, write_transaction};

#[derive(Queryable, Selectable)]
#[diesel(table_name = polls)]
struct PollRow {
    id: String,
    tenant_id: String,
    class_id: String,
    question: String,
    multiple: bool,
    anonymous: bool,
    status: String,
    created_by: String,
    created_at: PrimitiveDateTime,
}

/// The poll's row with its options, counts and (when asked, for a named
/// poll) ballots.
fn complete(
    conn: &mut AnyConnection,
    row: PollRow,
    with_ballots: bool,
) -> Result<Poll, DieselError> {
    let options: Vec<String> = poll_options::table
        .filter(poll_options::poll_id.eq(&row.id))
        .order(poll_options::idx.asc())
        .select(poll_options::label)
        .load(conn)?;
    let choices: Vec<(String, i32)> = poll_choices::table
        .filter(poll_choices::poll_id.eq(&row.id))
        .order((poll_choices::user_id.asc(), poll_choices::idx.asc()))
        .select((poll_choices::user_id, poll_choices::idx))
        .load(conn)?;
    let voters: i64 = poll_ballots::table
        .filter(poll_ballots::poll_id.eq(&row.id))
        .count()
        .get_result(conn)?;
    let mut counts = vec![0_u64; options.len()];
    let mut by_user: Vec<(String, Vec<u32>)> = Vec::new();
    for (user, idx) in choices {
        let idx = u32::try_from(idx).map_err(|e| corrupt(e.into()))?;
        if let Some(count) = counts.get_mut(idx as usize) {
            *count += 1;
        }
        match by_user.last_mut() {
            Some((last, picks)) if *last == user => picks.push(idx),
            _ => by_user.push((user, vec![idx])),
        }
    }
    let ballots = (with_ballots && !row.anonymous)
        .then(|| {
            by_user
                .into_iter()
                .map(|(user, options)| {
                    Ok(Ballot {
                        user_id: UserId::parse(&user)?,
                        options,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .transpose()
        .map_err(corrupt)?;
    let poll = (|| -> anyhow::Result<Poll> {
        Ok(Poll {
            id: PollId::from_uuid(uuid(&row.id, "poll id")?),
            tenant_id: TenantId::parse(&row.tenant_id)?,
            class_id: ClassId::from_uuid(uuid(&row.class_id, "class id")?),
            spec: PollSpec {
                question: row.question,
                options,
                multiple: row.multiple,
                anonymous: row.anonymous,
            },
            status: PollStatus::parse(&row.status)
                .ok_or_else(|| anyhow::anyhow!("stored poll status `{}` is unknown", row.status))?,
            created_by: UserId::parse(&row.created_by)?,
            created_at: from_db_time(row.created_at),
            counts,
            voters: u64::try_from(voters)?,
            ballots,
        })
    })()
    .map_err(corrupt)?;
    Ok(poll)
}

fn find(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    with_ballots: bool,
) -> Result<Option<Poll>, DieselError> {
    let row = polls::table
        .filter(polls::tenant_id.eq(tenant))
        .filter(polls::class_id.eq(class_id))
        .filter(polls::id.eq(id))
        .select(PollRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| complete(conn, row, with_ballots)).transpose()
}

/// The poll's status, its row locked for share on PostgreSQL.
fn lock_status(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
) -> Result<Option<String>, DieselError> {
    let query = polls::table
        .filter(polls::tenant_id.eq(tenant))
        .filter(polls::class_id.eq(class_id))
        .filter(polls::id.eq(id))
        .select(polls::status);
    per_backend!(conn,
        postgres: |c| query.for_share().first(c).optional(),
        sqlite: |c| query.first(c).optional(),
    )
}

#[allow(clippy::too_many_arguments)]
fn vote(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    id: &str,
    user: &str,
    options: &[u32],
    guard: PostGuard,
    at: OffsetDateTime,
) -> Result<VoteOutcome, DieselError> {
    if let Some(refused) = refusal(conn, tenant, class_id, user, guard)? {
        return Ok(VoteOutcome::Refused(refused));
    }
    match lock_status(conn, tenant, class_id, id)?.as_deref() {
        None => return Ok(VoteOutcome::PollNotFound),
        Some(status) if status != PollStatus::Open.as_str() => {
            return Ok(VoteOutcome::PollNotOpen);
        }
        Some(_) => {}
    }
    // The key decides: of concurrent votes by one user, one inserts.
    let inserted = per_backend!(conn, |c| {
        diesel::insert_into(poll_ballots::table)
            .values((
                poll_ballots::poll_id.eq(id),
                poll_ballots::user_id.eq(user),
                poll_ballots::tenant_id.eq(tenant),
                poll_ballots::voted_at.eq(to_db_time(at)),
            ))
            .on_conflict_do_nothing()
            .execute(c)?
    });
    if inserted == 0 {
        return Ok(VoteOutcome::AlreadyVoted);
    }
    for option in options {
        diesel::insert_into(poll_choices::table)
            .values((
                poll_choices::poll_id.eq(id),
                poll_choices::user_id.eq(user),
                poll_choices::idx.eq(i32::try_from(*option).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    let Some(poll) = find(conn, tenant, class_id, id, false)? else {
        return Ok(VoteOutcome::PollNotFound);
    };
    events::append(conn, &NewEvent::poll_voted(&poll, at))?;
    Ok(VoteOutcome::Voted(poll))
}

#[async_trait]
impl PollRepository for DieselStore {
    async fn create_poll(&self, poll: &Poll) -> Result<(), RepoError> {
        let poll = poll.clone();
        self.run("create poll", move |conn| {
            write_transaction(conn, |conn| {
                let id = poll.id.to_string();
                diesel::insert_into(polls::table)
                    .values((
                        polls::id.eq(&id),
                        polls::tenant_id.eq(poll.tenant_id.as_str()),
                        polls::class_id.eq(poll.class_id.to_string()),
                        polls::question.eq(&poll.spec.question),
                        polls::multiple.eq(poll.spec.multiple),
                        polls::anonymous.eq(poll.spec.anonymous),
                        polls::status.eq(poll.status.as_str()),
                        polls::created_by.eq(poll.created_by.as_str()),
                        polls::created_at.eq(to_db_time(poll.created_at)),
                    ))
                    .execute(conn)?;
                for (i, label) in poll.spec.options.iter().enumerate() {
                    diesel::insert_into(poll_options::table)
                        .values((
                            poll_options::poll_id.eq(&id),
                            poll_options::idx.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                            poll_options::label.eq(label),
                        ))
                        .execute(conn)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn find_poll(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        with_ballots: bool,
    ) -> Result<Option<Poll>, RepoError> {
        let (tenant, class_id, id) = (
            tenant.as_str().to_owned(),
            class_id.to_string(),
            id.to_string(),
        );
        self.run("find poll", move |conn| {
            find(conn, &tenant, &class_id, &id, with_ballots)
        })
        .await
    }

    async fn list_polls(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        with_drafts: bool,
        with_ballots: bool,
    ) -> Result<Vec<Poll>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("list polls", move |conn| {
            let mut query = polls::table
                .filter(polls::tenant_id.eq(&tenant))
                .filter(polls::class_id.eq(&class_id))
                .into_boxed();
            if !with_drafts {
                query = query.filter(polls::status.ne(PollStatus::Draft.as_str()));
            }
            let rows = query
                .order((polls::created_at.asc(), polls::id.asc()))
                .select(PollRow::as_select())
                .load(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(complete(conn, row, with_ballots)?);
            }
            Ok(out)
        })
        .await
    }

    async fn move_poll(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        from: PollStatus,
        to: PollStatus,
        at: OffsetDateTime,
    ) -> Result<Option<Poll>, RepoError> {
        let (tenant, class_id, id) = (
            tenant.as_str().to_owned(),
            class_id.to_string(),
            id.to_string(),
        );
        self.run("move poll", move |conn| {
            write_transaction(conn, |conn| {
                // Conditional: of two concurrent moves, one changes the row.
                let changed = diesel::update(
                    polls::table
                        .filter(polls::tenant_id.eq(&tenant))
                        .filter(polls::class_id.eq(&class_id))
                        .filter(polls::id.eq(&id))
                        .filter(polls::status.eq(from.as_str())),
                )
                .set(polls::status.eq(to.as_str()))
                .execute(conn)?;
                if changed == 0 {
                    return Ok(None);
                }
                let poll = find(conn, &tenant, &class_id, &id, false)?;
                if let Some(poll) = &poll {
                    events::append(conn, &NewEvent::poll_moved(poll, at))?;
                }
                Ok(poll)
            })
        })
        .await
    }

    async fn vote(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        user: &UserId,
        options: &[u32],
        guard: PostGuard,
        at: OffsetDateTime,
    ) -> Result<VoteOutcome, RepoError> {
        let (tenant, class_id, id) = (
            tenant.as_str().to_owned(),
            class_id.to_string(),
            id.to_string(),
        );
        let (user, options) = (user.as_str().to_owned(), options.to_vec());
        self.run("vote in poll", move |conn| {
            write_transaction(conn, |conn| {
                vote(conn, &tenant, &class_id, &id, &user, &options, guard, at)
            })
        })
        .await
    }
}
