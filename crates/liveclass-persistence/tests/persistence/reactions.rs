//! Class reactions (module `reactions` of the crate): a reaction is checked
//! like a chat post inside its write (class live, author admitted and not
//! removed), counted per class and per minute, and appends
//! `reaction.posted` with the class's counts after it; the counts are exact
//! under concurrency — on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;

use diesel::prelude::*;
use liveclass_domain::LiveClass;
use liveclass_domain::class::{AdmitOutcome, ClassRepository, ParticipationRepository};
use liveclass_domain::ids::{IdGenerator, RandomIds, ReactionId};
use liveclass_domain::interaction::reactions::minute_of;
use liveclass_domain::interaction::{
    NewReaction, PostGuard, PostOutcome, PostedReaction, ReactOutcome, ReactionKind,
    ReactionRepository,
};
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::{Duration, OffsetDateTime};

use common::*;

fn reaction(class: &LiveClass, who: &str, kind: ReactionKind, at: OffsetDateTime) -> NewReaction {
    NewReaction {
        id: ReactionId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        user_id: user(who),
        kind,
        reacted_at: at,
    }
}

async fn admit(store: &DieselStore, class: &LiveClass, who: &str) {
    let outcome = store
        .admit(&admit_request(class, who, T0 + Duration::seconds(1)))
        .await
        .unwrap();
    assert!(matches!(outcome, AdmitOutcome::Admitted(_)), "{outcome:?}");
}

async fn react(
    store: &DieselStore,
    class: &LiveClass,
    who: &str,
    kind: ReactionKind,
    guard: PostGuard,
) -> ReactOutcome {
    store
        .post_reaction(
            &reaction(class, who, kind, T0 + Duration::seconds(30)),
            guard,
        )
        .await
        .unwrap()
}

fn posted(outcome: ReactOutcome) -> PostedReaction {
    match outcome {
        ReactOutcome::Posted(p) => p,
        other => panic!("not posted: {other:?}"),
    }
}

fn event_data(store: &DieselStore, class: &LiveClass, event_type: &str) -> Vec<serde_json::Value> {
    let mut conn = store.pool().get().unwrap();
    class_events::table
        .filter(class_events::class_id.eq(class.id.to_string()))
        .filter(class_events::event_type.eq(event_type))
        .order(class_events::position.asc())
        .select(class_events::data)
        .load::<String>(&mut *conn)
        .unwrap()
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

/// A moderator's removal of `who` (a ban for the class).
async fn remove(store: &DieselStore, class: &LiveClass, who: &str) {
    liveclass_domain::admission::AdmissionRepository::remove(
        store,
        &class.tenant_id,
        class.id,
        &user(who),
        &user("teacher"),
        T0 + Duration::seconds(6),
    )
    .await
    .unwrap();
}

async fn reactions_are_counted_per_kind_and_minute_with_an_event(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    let first = posted(
        react(
            &store,
            &class,
            "ada",
            ReactionKind::ThumbsUp,
            PostGuard::Participant,
        )
        .await,
    );
    assert_eq!(first.counts.of(ReactionKind::ThumbsUp), 1);
    assert_eq!(first.counts.total(), 1);
    let second = posted(
        react(
            &store,
            &class,
            "teacher",
            ReactionKind::Clap,
            PostGuard::Moderator,
        )
        .await,
    );
    assert_eq!(
        (
            second.counts.of(ReactionKind::ThumbsUp),
            second.counts.of(ReactionKind::Clap)
        ),
        (1, 1)
    );
    // A minute later.
    let later = T0 + Duration::seconds(95);
    let third = store
        .post_reaction(
            &reaction(&class, "ada", ReactionKind::ThumbsUp, later),
            PostGuard::Participant,
        )
        .await
        .unwrap();
    assert_eq!(posted(third).counts.total(), 3);
    let summary = store
        .reaction_summary(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(summary.counts.of(ReactionKind::ThumbsUp), 2);
    assert_eq!(summary.counts.of(ReactionKind::Clap), 1);
    assert_eq!(summary.counts.0.len(), ReactionKind::ALL.len());
    let minutes: Vec<i64> = summary
        .minutes
        .iter()
        .map(|m| minute_of(m.minute))
        .collect();
    assert_eq!(
        minutes,
        [minute_of(T0 + Duration::seconds(30)), minute_of(later)]
    );
    assert_eq!(summary.minutes[0].counts.total(), 2);
    assert_eq!(summary.minutes[1].counts.of(ReactionKind::ThumbsUp), 1);
    let events = event_data(&store, &class, "reaction.posted");
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["reaction"]["reaction"], "thumbs_up");
    assert_eq!(events[0]["reaction"]["emoji"], "👍");
    assert_eq!(events[0]["reaction"]["userId"], "ada");
    assert_eq!(events[1]["counts"][1]["reaction"], "clap");
    assert_eq!(events[1]["counts"][1]["count"], 1);
    assert_eq!(events[2]["total"], 3);
    // Another tenant sees nothing.
    let other = store
        .reaction_summary(&tenant("tenant-b"), class.id)
        .await
        .unwrap();
    assert_eq!(other.counts.total(), 0);
}

async fn reactions_are_refused_without_writing_unless_live_admitted_and_not_removed(
    db: TestDatabase,
) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    let kind = ReactionKind::Heart;
    assert_eq!(
        react(&store, &class, "bob", kind, PostGuard::Participant).await,
        ReactOutcome::Refused(PostOutcome::NotAdmitted)
    );
    admit(&store, &class, "eve").await;
    remove(&store, &class, "eve").await;
    assert_eq!(
        react(&store, &class, "eve", kind, PostGuard::Participant).await,
        ReactOutcome::Refused(PostOutcome::Removed)
    );
    let mut foreign = reaction(&class, "teacher", kind, T0);
    foreign.tenant_id = tenant("tenant-b");
    assert_eq!(
        store
            .post_reaction(&foreign, PostGuard::Moderator)
            .await
            .unwrap(),
        ReactOutcome::Refused(PostOutcome::ClassNotFound)
    );
    let scheduled = new_class("tenant-a", 10, T0);
    store.insert(&scheduled).await.unwrap();
    assert_eq!(
        react(&store, &scheduled, "teacher", kind, PostGuard::Moderator).await,
        ReactOutcome::Refused(PostOutcome::NotLive)
    );
    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(
        react(&store, &class, "teacher", kind, PostGuard::Moderator).await,
        ReactOutcome::Refused(PostOutcome::NotLive)
    );
    let summary = store
        .reaction_summary(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(summary.counts.total(), 0);
    assert!(summary.minutes.is_empty());
    assert!(event_data(&store, &class, "reaction.posted").is_empty());
}

async fn concurrent_reactions_are_counted_exactly_and_events_grow(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    // 20 students, and the seat held for the teacher.
    let class = live_class(&store, 21).await;
    for i in 0..20 {
        admit(&store, &class, &format!("u{i}")).await;
    }
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                let kind = ReactionKind::ALL[i % 3];
                posted(
                    react(
                        &store,
                        &class,
                        &format!("u{}", i % 20),
                        kind,
                        PostGuard::Participant,
                    )
                    .await,
                )
            })
        })
        .collect();
    let mut totals = HashSet::new();
    for t in tasks {
        // Each reaction sees every one committed before it: the totals its
        // events carry are 1..=60, each once.
        assert!(totals.insert(t.await.unwrap().counts.total()));
    }
    assert_eq!(totals, (1..=60).collect());
    let summary = store
        .reaction_summary(&class.tenant_id, class.id)
        .await
        .unwrap();
    for k in &ReactionKind::ALL[..3] {
        assert_eq!(summary.counts.of(*k), 20, "{k:?}");
    }
    assert_eq!(summary.counts.total(), 60);
    let events = event_data(&store, &class, "reaction.posted");
    let mut event_totals: Vec<u64> = events
        .iter()
        .map(|e| e["total"].as_u64().unwrap())
        .collect();
    event_totals.sort_unstable();
    assert_eq!(event_totals, (1..=60).collect::<Vec<_>>());
}

on_both_backends!(
    reactions_are_counted_per_kind_and_minute_with_an_event,
    reactions_are_refused_without_writing_unless_live_admitted_and_not_removed,
    concurrent_reactions_are_counted_exactly_and_events_grow,
);
