//! [`DieselStore`] as the domain's [`AttendanceRepository`]:
//!
//! - engagement: per user, what they did in a class, in five grouped
//!   queries on one connection whatever the class's size (chat and
//!   questions, upvotes, poll ballots, reactions, then the class's
//!   `hand.raised` events, whose `data.participant.userId` says whose hand
//!   it was);
//! - the `attendance_reconciliations` rows: one per ended class, added by
//!   `mark_ended` ([`pending`]), claimed through [`claim!`](crate::claim),
//!   rescheduled, made final with `attendance.finalized` in one transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use diesel::dsl::count_star;
use diesel::prelude::*;
use liveclass_domain::attendance::{
    AttendancePolicy, AttendanceRepository, Engagement, FinalOutcome, ProviderReport,
    Reconciliation, ReconciliationStatus, TenantAttendancePolicy,
};
use liveclass_domain::events::EventType;
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::interaction::MessageKind;
use liveclass_domain::store::RepoError;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use crate::claim::claim;
use crate::connection::AnyConnection;
use crate::events;
use crate::rows::{from_db_time, to_db_time};
use crate::schema::{
    attendance_reconciliations as recs, class_events, class_messages, class_reactions,
    poll_ballots, polls, question_votes, tenant_attendance_settings as grace,
};
use crate::store::{DieselStore, corrupt, write_transaction};

/// The longest error kept on a reconciliation.
const MAX_ERROR_CHARS: usize = 1000;

/// Adds the ended class's pending reconciliation, due at its end; part of
/// the end's own transaction. A class ends once, so a row already there
/// (never, in practice) is left as is.
pub(crate) fn pending(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
    ended_at: PrimitiveDateTime,
) -> Result<(), diesel::result::Error> {
    crate::backend::per_backend!(conn, |c| {
        diesel::insert_into(recs::table)
            .values((
                recs::class_id.eq(class_id),
                recs::tenant_id.eq(tenant),
                recs::status.eq(ReconciliationStatus::Pending.as_str()),
                recs::attempts.eq(0),
                recs::due_at.eq(Some(ended_at)),
            ))
            .on_conflict_do_nothing()
            .execute(c)
    })
    .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recs)]
struct RecRow {
    class_id: String,
    tenant_id: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    provider_report: Option<String>,
    provider_rows: Option<i32>,
    finalized_at: Option<PrimitiveDateTime>,
}

fn to_reconciliation(r: RecRow) -> Result<Reconciliation, diesel::result::Error> {
    let bad = |e: String| corrupt(anyhow::anyhow!(e));
    let outcome = match (r.provider_report, r.finalized_at) {
        (Some(report), Some(at)) => Some(FinalOutcome {
            report: ProviderReport::parse(&report).map_err(bad)?,
            rows: u32::try_from(r.provider_rows.unwrap_or(0)).unwrap_or(0),
            at: from_db_time(at),
        }),
        _ => None,
    };
    Ok(Reconciliation {
        class_id: ClassId::from_uuid(
            uuid::Uuid::try_parse(&r.class_id).map_err(|e| corrupt(anyhow::Error::new(e)))?,
        ),
        tenant_id: liveclass_domain::ids::TenantId::parse(&r.tenant_id)
            .map_err(|e| corrupt(anyhow::Error::new(e)))?,
        status: ReconciliationStatus::parse(&r.status).map_err(bad)?,
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        last_error: r.last_error,
        outcome,
    })
}

/// A count as stored into the `u32` a report shows (saturating).
fn narrow(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[async_trait]
impl AttendanceRepository for DieselStore {
    async fn engagement_of_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<(UserId, Engagement)>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("count engagement", move |conn| {
            let mut by_user: BTreeMap<String, Engagement> = BTreeMap::new();
            let messages: Vec<(String, String, bool, i64)> = class_messages::table
                .filter(class_messages::tenant_id.eq(&tenant))
                .filter(class_messages::class_id.eq(&class_id))
                .filter(class_messages::deleted_at.is_null())
                .group_by((
                    class_messages::author_id,
                    class_messages::kind,
                    class_messages::anonymous,
                ))
                .select((
                    class_messages::author_id,
                    class_messages::kind,
                    class_messages::anonymous,
                    count_star(),
                ))
                .load(conn)?;
            for (user, kind, anonymous, n) in messages {
                let e = by_user.entry(user).or_default();
                if kind == MessageKind::Chat.as_str() {
                    e.messages += narrow(n);
                } else if kind == MessageKind::Question.as_str() && !anonymous {
                    // An anonymous question is nobody's (see `Engagement`).
                    e.questions += narrow(n);
                }
            }
            let upvotes: Vec<(String, i64)> = question_votes::table
                .filter(question_votes::tenant_id.eq(&tenant))
                .filter(question_votes::class_id.eq(&class_id))
                .group_by(question_votes::user_id)
                .select((question_votes::user_id, count_star()))
                .load(conn)?;
            for (user, n) in upvotes {
                by_user.entry(user).or_default().upvotes = narrow(n);
            }
            let class_polls = polls::table
                .filter(polls::tenant_id.eq(&tenant))
                .filter(polls::class_id.eq(&class_id))
                .select(polls::id);
            let ballots: Vec<(String, i64)> = poll_ballots::table
                .filter(poll_ballots::poll_id.eq_any(class_polls))
                .group_by(poll_ballots::user_id)
                .select((poll_ballots::user_id, count_star()))
                .load(conn)?;
            for (user, n) in ballots {
                by_user.entry(user).or_default().poll_votes = narrow(n);
            }
            let reactions: Vec<(String, i64)> = class_reactions::table
                .filter(class_reactions::tenant_id.eq(&tenant))
                .filter(class_reactions::class_id.eq(&class_id))
                .group_by(class_reactions::user_id)
                .select((class_reactions::user_id, count_star()))
                .load(conn)?;
            for (user, n) in reactions {
                by_user.entry(user).or_default().reactions = narrow(n);
            }
            let raises: Vec<String> = class_events::table
                .filter(class_events::tenant_id.eq(&tenant))
                .filter(class_events::class_id.eq(&class_id))
                .filter(class_events::event_type.eq(EventType::HandRaised.as_str()))
                .select(class_events::data)
                .load(conn)?;
            for data in raises {
                let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                if let Some(user) = data["participant"]["userId"].as_str() {
                    by_user.entry(user.to_owned()).or_default().hand_raises += 1;
                }
            }
            Ok(by_user
                .into_iter()
                .filter_map(|(user, e)| UserId::parse(&user).ok().map(|u| (u, e)))
                .collect())
        })
        .await
    }

    async fn claim_reconciliations(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reconciliation>, RepoError> {
        let until = to_db_time(liveclass_domain::instant::later(now, lease));
        let now = to_db_time(now);
        self.run("claim attendance reconciliations", move |conn| {
            let ids: Vec<String> = claim!(conn,
                candidates: recs::table
                    .filter(recs::due_at.le(now))
                    .order(recs::due_at.asc())
                    .limit(i64::from(limit))
                    .select(recs::class_id),
                lease: |conn, ids: &[String]| {
                    diesel::update(recs::table.filter(recs::class_id.eq_any(ids)))
                        .set(recs::due_at.eq(Some(until)))
                        .execute(conn)
                },
            )?;
            let mut rows: Vec<RecRow> = recs::table
                .filter(recs::class_id.eq_any(&ids))
                .select(RecRow::as_select())
                .load(conn)?;
            rows.sort_by_key(|row| ids.iter().position(|id| *id == row.class_id));
            rows.into_iter().map(to_reconciliation).collect()
        })
        .await
    }

    async fn reschedule_reconciliation(
        &self,
        class_id: ClassId,
        due_at: OffsetDateTime,
        error: Option<String>,
    ) -> Result<(), RepoError> {
        let (class_id, due_at) = (class_id.to_string(), to_db_time(due_at));
        let error: Option<String> = error.map(|e| e.chars().take(MAX_ERROR_CHARS).collect());
        self.run("reschedule attendance reconciliation", move |conn| {
            let pending = recs::table
                .filter(recs::class_id.eq(&class_id))
                .filter(recs::status.eq(ReconciliationStatus::Pending.as_str()));
            match error {
                Some(error) => diesel::update(pending)
                    .set((
                        recs::due_at.eq(Some(due_at)),
                        recs::attempts.eq(recs::attempts + 1),
                        recs::last_error.eq(Some(error)),
                    ))
                    .execute(conn),
                None => diesel::update(pending)
                    .set(recs::due_at.eq(Some(due_at)))
                    .execute(conn),
            }
            .map(drop)
        })
        .await
    }

    async fn finalize_reconciliation(
        &self,
        class_id: ClassId,
        outcome: FinalOutcome,
        event: Option<NewEvent>,
    ) -> Result<bool, RepoError> {
        let class_id = class_id.to_string();
        self.run("finalize attendance reconciliation", move |conn| {
            write_transaction(conn, |conn| {
                let changed = diesel::update(
                    recs::table
                        .filter(recs::class_id.eq(&class_id))
                        .filter(recs::status.eq(ReconciliationStatus::Pending.as_str())),
                )
                .set((
                    recs::status.eq(ReconciliationStatus::Final.as_str()),
                    recs::due_at.eq(None::<PrimitiveDateTime>),
                    recs::provider_report.eq(Some(outcome.report.as_str())),
                    recs::provider_rows.eq(Some(i32::try_from(outcome.rows).unwrap_or(i32::MAX))),
                    recs::finalized_at.eq(Some(to_db_time(outcome.at))),
                ))
                .execute(conn)?
                    == 1;
                if changed && let Some(event) = &event {
                    events::append(conn, event)?;
                }
                Ok(changed)
            })
        })
        .await
    }

    async fn reconciliations(
        &self,
        tenant: &TenantId,
        classes: &[ClassId],
    ) -> Result<Vec<Reconciliation>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        let ids: Vec<String> = classes.iter().map(ToString::to_string).collect();
        self.run("read attendance reconciliations", move |conn| {
            let mut found = Vec::new();
            // Bounded IN lists (SQLite's parameter limit).
            for chunk in ids.chunks(500) {
                let rows: Vec<RecRow> = recs::table
                    .filter(recs::tenant_id.eq(&tenant))
                    .filter(recs::class_id.eq_any(chunk))
                    .select(RecRow::as_select())
                    .load(conn)?;
                for row in rows {
                    found.push(to_reconciliation(row)?);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn tenant_attendance_policy(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<TenantAttendancePolicy>, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("read attendance settings", move |conn| {
            let row: Option<(i32, i32, PrimitiveDateTime, String)> = grace::table
                .find(&tenant)
                .select((
                    grace::late_after_minutes,
                    grace::left_early_minutes,
                    grace::updated_at,
                    grace::updated_by,
                ))
                .first(conn)
                .optional()?;
            row.map(|(late, early, at, by)| {
                Ok(TenantAttendancePolicy {
                    policy: AttendancePolicy {
                        late_after: Duration::minutes(i64::from(late)),
                        left_early_before: Duration::minutes(i64::from(early)),
                    },
                    updated_at: from_db_time(at),
                    updated_by: UserId::parse(&by).map_err(|e| corrupt(anyhow::Error::new(e)))?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn set_tenant_attendance_policy(
        &self,
        tenant: &TenantId,
        policy: Option<TenantAttendancePolicy>,
    ) -> Result<(), RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("set attendance settings", move |conn| {
            let Some(own) = policy else {
                return diesel::delete(grace::table.find(&tenant))
                    .execute(conn)
                    .map(drop);
            };
            let minutes = |d: Duration| i32::try_from(d.whole_minutes()).unwrap_or(i32::MAX);
            let values = (
                grace::tenant_id.eq(&tenant),
                grace::late_after_minutes.eq(minutes(own.policy.late_after)),
                grace::left_early_minutes.eq(minutes(own.policy.left_early_before)),
                grace::updated_at.eq(to_db_time(own.updated_at)),
                grace::updated_by.eq(own.updated_by.as_str()),
            );
            crate::backend::per_backend!(conn, |c| {
                diesel::insert_into(grace::table)
                    .values(values)
                    .on_conflict(grace::tenant_id)
                    .do_update()
                    .set((
                        grace::late_after_minutes.eq(minutes(own.policy.late_after)),
                        grace::left_early_minutes.eq(minutes(own.policy.left_early_before)),
                        grace::updated_at.eq(to_db_time(own.updated_at)),
                        grace::updated_by.eq(own.updated_by.as_str()),
                    ))
                    .execute(c)
            })
            .map(drop)
        })
        .await
    }
}
