//! [`DieselStore`] as the domain's `ReactionRepository`: class reactions.
//!
//! A reaction runs in one write transaction: the chat's posting checks
//! ([`crate::messages::refusal`]: class row locked for share, live, author
//! admitted and not removed), then the class's `class_reaction_heads` row
//! is bumped (an upsert held until commit, so the reactions of one class
//! take turns and each sees every earlier one), the reaction inserted, its
//! minute's count bumped, the class's counts read and `reaction.posted`
//! appended. Lock order: class row, then head row, as for chat posts.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use liveclass_domain::events::NewEvent;
use liveclass_domain::ids::{ClassId, TenantId};
use liveclass_domain::interaction::reactions::minute_of;
use liveclass_domain::interaction::{
    KindCounts, NewReaction, PostGuard, PostedReaction, ReactOutcome, ReactionKind,
    ReactionRepository, ReactionSummary,
};
use liveclass_domain::store::RepoError;

use crate::backend::per_backend;
use crate::connection::AnyConnection;
use crate::events;
use crate::messages::refusal;
use crate::rows::to_db_time;
use crate::schema::{class_reaction_counts, class_reaction_heads, class_reactions};
use crate::store::{DieselStore, corrupt, write_transaction};

/// Bumps the class's reaction total; holds its head row until commit.
fn bump_head(conn: &mut AnyConnection, tenant: &str, class_id: &str) -> Result<i64, DieselError> {
    per_backend!(conn, |c| {
        diesel::insert_into(class_reaction_heads::table)
            .values((
                class_reaction_heads::class_id.eq(class_id),
                class_reaction_heads::tenant_id.eq(tenant),
                class_reaction_heads::total.eq(1_i64),
            ))
            .on_conflict(class_reaction_heads::class_id)
            .do_update()
            .set(class_reaction_heads::total.eq(class_reaction_heads::total + 1))
            .returning(class_reaction_heads::total)
            .get_result(c)
    })
}

/// The class's `(minute, kind, count)` rows.
fn count_rows(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
) -> Result<Vec<(i64, ReactionKind, u64)>, DieselError> {
    let rows: Vec<(i64, String, i64)> = class_reaction_counts::table
        .filter(class_reaction_counts::tenant_id.eq(tenant))
        .filter(class_reaction_counts::class_id.eq(class_id))
        .order((
            class_reaction_counts::minute.asc(),
            class_reaction_counts::kind.asc(),
        ))
        .select((
            class_reaction_counts::minute,
            class_reaction_counts::kind,
            class_reaction_counts::count,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(m, k, n)| {
            let kind = ReactionKind::parse(&k).map_err(|e| corrupt(e.into()))?;
            let n = u64::try_from(n).map_err(|e| corrupt(e.into()))?;
            Ok((m, kind, n))
        })
        .collect()
}

/// The class's counts per kind (summed here: a class has a row per
/// minute and kind that had reactions, a few hundred at most).
fn kind_counts(
    conn: &mut AnyConnection,
    tenant: &str,
    class_id: &str,
) -> Result<KindCounts, DieselError> {
    let rows: Vec<(String, i64)> = class_reaction_counts::table
        .filter(class_reaction_counts::tenant_id.eq(tenant))
        .filter(class_reaction_counts::class_id.eq(class_id))
        .select((class_reaction_counts::kind, class_reaction_counts::count))
        .load(conn)?;
    let mut pairs = Vec::with_capacity(rows.len());
    for (k, n) in rows {
        let kind = ReactionKind::parse(&k).map_err(|e| corrupt(e.into()))?;
        let n = u64::try_from(n).map_err(|e| corrupt(e.into()))?;
        pairs.push((kind, n));
    }
    Ok(KindCounts::from_pairs(pairs))
}

fn react(
    conn: &mut AnyConnection,
    r: &NewReaction,
    guard: PostGuard,
) -> Result<ReactOutcome, DieselError> {
    let (tenant, class_id) = (r.tenant_id.as_str(), r.class_id.to_string());
    if let Some(refused) = refusal(conn, tenant, &class_id, r.user_id.as_str(), guard)? {
        return Ok(ReactOutcome::Refused(refused));
    }
    bump_head(conn, tenant, &class_id)?;
    diesel::insert_into(class_reactions::table)
        .values((
            class_reactions::id.eq(r.id.to_string()),
            class_reactions::tenant_id.eq(tenant),
            class_reactions::class_id.eq(&class_id),
            class_reactions::user_id.eq(r.user_id.as_str()),
            class_reactions::kind.eq(r.kind.as_str()),
            class_reactions::reacted_at.eq(to_db_time(r.reacted_at)),
        ))
        .execute(conn)?;
    per_backend!(conn, |c| {
        diesel::insert_into(class_reaction_counts::table)
            .values((
                class_reaction_counts::class_id.eq(&class_id),
                class_reaction_counts::tenant_id.eq(tenant),
                class_reaction_counts::minute.eq(minute_of(r.reacted_at)),
                class_reaction_counts::kind.eq(r.kind.as_str()),
                class_reaction_counts::count.eq(1_i64),
            ))
            .on_conflict((
                class_reaction_counts::class_id,
                class_reaction_counts::minute,
                class_reaction_counts::kind,
            ))
            .do_update()
            .set(class_reaction_counts::count.eq(class_reaction_counts::count + 1))
            .execute(c)?
    });
    let posted = PostedReaction {
        reaction: r.clone(),
        counts: kind_counts(conn, tenant, &class_id)?,
    };
    events::append(conn, &NewEvent::reaction_posted(&posted))?;
    Ok(ReactOutcome::Posted(posted))
}

#[async_trait]
impl ReactionRepository for DieselStore {
    async fn post_reaction(
        &self,
        reaction: &NewReaction,
        guard: PostGuard,
    ) -> Result<ReactOutcome, RepoError> {
        let reaction = reaction.clone();
        self.run("post reaction", move |conn| {
            write_transaction(conn, |conn| react(conn, &reaction, guard))
        })
        .await
    }

    async fn reaction_summary(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<ReactionSummary, RepoError> {
        let tenant = tenant.as_str().to_owned();
        self.run("reaction counts", move |conn| {
            let rows = count_rows(conn, &tenant, &class_id.to_string())?;
            Ok(ReactionSummary::from_rows(class_id, &rows))
        })
        .await
    }
}
