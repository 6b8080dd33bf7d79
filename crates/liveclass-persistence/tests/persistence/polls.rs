//! Class polls (module `polls` of the crate): one final ballot per user
//! under concurrency, exact counts, votes only while open, ballots only for
//! named polls — on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use diesel::prelude::*;
use liveclass_domain::LiveClass;
use liveclass_domain::class::{AdmitOutcome, ParticipationRepository};
use liveclass_domain::ids::{IdGenerator, PollId, RandomIds};
use liveclass_domain::interaction::{
    Poll, PollRepository, PollSpec, PollStatus, PostGuard, PostOutcome, VoteOutcome,
};
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

async fn admit(store: &DieselStore, class: &LiveClass, who: &str) {
    let outcome = store
        .admit(&admit_request(class, who, T0 + Duration::seconds(1)))
        .await
        .unwrap();
    assert!(matches!(outcome, AdmitOutcome::Admitted(_)), "{outcome:?}");
}

async fn open_poll(store: &DieselStore, class: &LiveClass, anonymous: bool) -> Poll {
    let spec = PollSpec::parse(
        "Pace?",
        &["slower".into(), "fine".into(), "faster".into()],
        true,
        anonymous,
    )
    .unwrap();
    let poll = Poll {
        id: PollId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        counts: vec![0; 3],
        spec,
        status: PollStatus::Draft,
        created_by: user("teacher"),
        created_at: T0,
        voters: 0,
        ballots: None,
    };
    store.create_poll(&poll).await.unwrap();
    store
        .move_poll(
            &class.tenant_id,
            class.id,
            poll.id,
            PollStatus::Draft,
            PollStatus::Open,
            T0,
        )
        .await
        .unwrap()
        .unwrap()
}

async fn vote(
    store: &DieselStore,
    class: &LiveClass,
    poll: &Poll,
    who: &str,
    options: &[u32],
) -> VoteOutcome {
    store
        .vote(
            &class.tenant_id,
            class.id,
            poll.id,
            &user(who),
            options,
            PostGuard::Participant,
            T0,
        )
        .await
        .unwrap()
}

async fn one_final_ballot_per_user_under_concurrency(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 40).await;
    for i in 0..30 {
        admit(&store, &class, &format!("u{i}")).await;
    }
    let poll = open_poll(&store, &class, false).await;
    // Every user votes twice at once, for different options.
    let votes: Vec<_> = (0..60)
        .map(|i| {
            let (store, class, poll) = (store.clone(), class.clone(), poll.clone());
            tokio::spawn(async move {
                let options = if i < 30 { vec![0, 2] } else { vec![1] };
                vote(&store, &class, &poll, &format!("u{}", i % 30), &options).await
            })
        })
        .collect();
    let (mut voted, mut again) = (0, 0);
    for v in votes {
        match v.await.unwrap() {
            VoteOutcome::Voted(_) => voted += 1,
            VoteOutcome::AlreadyVoted => again += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((voted, again), (30, 30));
    let after = store
        .find_poll(&class.tenant_id, class.id, poll.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.voters, 30);
    // Each user's ballot is whole: [0, 2] or [1], never a mix.
    let ballots = after.ballots.unwrap();
    assert_eq!(ballots.len(), 30);
    assert!(
        ballots
            .iter()
            .all(|b| b.options == [0, 2] || b.options == [1])
    );
    let twos = ballots.iter().filter(|b| b.options.len() == 2).count() as u64;
    assert_eq!(after.counts, vec![twos, 30 - twos, twos]);
    // Every vote's event has counts and voters, and no user id.
    let mut conn = store.pool().get().unwrap();
    let data: Vec<String> = class_events::table
        .filter(class_events::event_type.eq("poll.voted"))
        .select(class_events::data)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(data.len(), 30);
    assert!(data.iter().all(|d| !d.contains("\"u")), "{data:?}");
}

async fn votes_need_an_open_poll_and_an_admitted_voter(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    let poll = open_poll(&store, &class, true).await;
    assert_eq!(
        vote(&store, &class, &poll, "nobody", &[0]).await,
        VoteOutcome::Refused(PostOutcome::NotAdmitted)
    );
    assert!(matches!(
        vote(&store, &class, &poll, "ada", &[1]).await,
        VoteOutcome::Voted(_)
    ));
    // Anonymous: no ballots, even when asked.
    let found = store
        .find_poll(&class.tenant_id, class.id, poll.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.ballots, found.counts), (None, vec![0, 1, 0]));
    let closed = store
        .move_poll(
            &class.tenant_id,
            class.id,
            poll.id,
            PollStatus::Open,
            PollStatus::Closed,
            T0,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.status, PollStatus::Closed);
    admit(&store, &class, "bob").await;
    assert_eq!(
        vote(&store, &class, &poll, "bob", &[0]).await,
        VoteOutcome::PollNotOpen
    );
    // Closed once: closing again moves nothing.
    assert!(
        store
            .move_poll(
                &class.tenant_id,
                class.id,
                poll.id,
                PollStatus::Open,
                PollStatus::Closed,
                T0
            )
            .await
            .unwrap()
            .is_none()
    );
    let listed = store
        .list_polls(&class.tenant_id, class.id, false, false)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let other = store
        .list_polls(&tenant("tenant-b"), class.id, true, true)
        .await
        .unwrap();
    assert!(other.is_empty());
}

on_both_backends!(
    one_final_ballot_per_user_under_concurrency,
    votes_need_an_open_poll_and_an_admitted_voter,
);
