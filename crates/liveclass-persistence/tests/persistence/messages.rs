//! Class chats (module `messages` of the crate): a post is checked (class
//! live, author admitted and not removed) inside its write, gets the next
//! position of its class in commit order, and appends `message.posted`;
//! deletions happen once — on SQLite and on PostgreSQL
//! (`LIVECLASS_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::prelude::*;
use liveclass_domain::LiveClass;
use liveclass_domain::admission::AdmissionRepository;
use liveclass_domain::class::{AdmitOutcome, ClassRepository, ParticipationRepository};
use liveclass_domain::ids::{IdGenerator, MessageId, RandomIds};
use liveclass_domain::interaction::{
    DeleteOutcome, Message, MessageKind, MessageRepository, MessageText, NewMessage, PostGuard,
    PostOutcome, QuestionSort, QuestionStatus, UpvoteOutcome,
};
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

fn message(class: &LiveClass, who: &str, text: &str) -> NewMessage {
    NewMessage {
        id: MessageId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        kind: MessageKind::Chat,
        author_id: user(who),
        author_name: Some(format!("{who} name")),
        anonymous: false,
        text: MessageText::parse(text).unwrap(),
        posted_at: T0 + Duration::minutes(1),
    }
}

async fn admit(store: &DieselStore, class: &LiveClass, who: &str) {
    let outcome = store
        .admit(&admit_request(class, who, T0 + Duration::seconds(1)))
        .await
        .unwrap();
    assert!(matches!(outcome, AdmitOutcome::Admitted(_)), "{outcome:?}");
}

async fn post(store: &DieselStore, class: &LiveClass, who: &str, guard: PostGuard) -> PostOutcome {
    store
        .post_message(&message(class, who, &format!("hello from {who}")), guard)
        .await
        .unwrap()
}

fn posted(outcome: PostOutcome) -> Message {
    match outcome {
        PostOutcome::Posted(m) => m,
        other => panic!("not posted: {other:?}"),
    }
}

async fn all(store: &DieselStore, class: &LiveClass) -> Vec<Message> {
    store
        .list_messages(&class.tenant_id, class.id, 0, 100, &[])
        .await
        .unwrap()
        .messages
}

/// The class's events of `event_type`, as stored (numbered or not).
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

async fn a_participant_posts_and_the_post_is_listed_and_an_event(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    let first = posted(post(&store, &class, "ada", PostGuard::Participant).await);
    let second = posted(post(&store, &class, "teacher", PostGuard::Moderator).await);
    assert_eq!((first.position, second.position), (1, 2));
    let listed = all(&store, &class).await;
    assert_eq!(listed, vec![first.clone(), second]);
    assert_eq!(listed[0].text, "hello from ada");
    assert_eq!(listed[0].author_name.as_deref(), Some("ada name"));
    let events = event_data(&store, &class, "message.posted");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["message"]["id"], first.id.to_string());
    assert_eq!(events[0]["message"]["content"], "hello from ada");
    assert_eq!(events[0]["message"]["position"], 1);
}

async fn posts_are_refused_without_writing_unless_live_admitted_and_not_removed(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    // Never joined.
    assert_eq!(
        post(&store, &class, "bob", PostGuard::Participant).await,
        PostOutcome::NotAdmitted
    );
    // Joined, then left.
    admit(&store, &class, "bob").await;
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("bob"),
            T0 + Duration::seconds(5),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        post(&store, &class, "bob", PostGuard::Participant).await,
        PostOutcome::NotAdmitted
    );
    // Removed by a moderator (a ban for the class).
    admit(&store, &class, "eve").await;
    let removed = store
        .remove(
            &class.tenant_id,
            class.id,
            &user("eve"),
            &user("teacher"),
            T0 + Duration::seconds(6),
        )
        .await
        .unwrap();
    assert!(matches!(
        removed,
        liveclass_domain::admission::RemoveOutcome::Removed { ended: Some(_) }
    ));
    assert_eq!(
        post(&store, &class, "eve", PostGuard::Participant).await,
        PostOutcome::Removed
    );
    // Another tenant's class does not exist.
    let mut foreign = message(&class, "teacher", "hi");
    foreign.tenant_id = tenant("tenant-b");
    assert_eq!(
        store
            .post_message(&foreign, PostGuard::Moderator)
            .await
            .unwrap(),
        PostOutcome::ClassNotFound
    );
    // Not live: scheduled, then ended (even for a moderator).
    let scheduled = new_class("tenant-a", 10, T0);
    store.insert(&scheduled).await.unwrap();
    assert_eq!(
        post(&store, &scheduled, "teacher", PostGuard::Moderator).await,
        PostOutcome::NotLive
    );
    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(
        post(&store, &class, "teacher", PostGuard::Moderator).await,
        PostOutcome::NotLive
    );
    assert!(all(&store, &class).await.is_empty());
    assert!(event_data(&store, &class, "message.posted").is_empty());
}

async fn concurrent_posts_get_gapless_positions_and_a_follower_never_skips(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    // 40 students, and the seat held for the teacher.
    let class = live_class(&store, 41).await;
    for i in 0..40 {
        admit(&store, &class, &format!("u{i}")).await;
    }
    let done = Arc::new(AtomicBool::new(false));
    // A reader follows the chat as a client would: `after` = last position.
    let reader = {
        let (store, done, class) = (store.clone(), done.clone(), class.clone());
        tokio::spawn(async move {
            let mut seen: Vec<Message> = Vec::new();
            loop {
                let finished = done.load(Ordering::Relaxed);
                let after = seen.last().map_or(0, |m| m.position);
                let page = store
                    .list_messages(&class.tenant_id, class.id, after, 7, &[])
                    .await
                    .unwrap();
                for m in page.messages {
                    assert_eq!(m.position, seen.len() as u64 + 1, "a reader skipped one");
                    seen.push(m);
                }
                if finished && seen.len() == 80 {
                    return seen;
                }
                tokio::task::yield_now().await;
            }
        })
    };
    let posts: Vec<_> = (0..80)
        .map(|i| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                posted(
                    post(
                        &store,
                        &class,
                        &format!("u{}", i % 40),
                        PostGuard::Participant,
                    )
                    .await,
                )
            })
        })
        .collect();
    let mut positions = HashSet::new();
    for p in posts {
        assert!(positions.insert(p.await.unwrap().position));
    }
    assert_eq!(positions, (1..=80).collect());
    done.store(true, Ordering::Relaxed);
    let seen = tokio::time::timeout(std::time::Duration::from_secs(30), reader)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.len(), 80);
    assert_eq!(event_data(&store, &class, "message.posted").len(), 80);
}

async fn deletions_are_the_authors_or_a_moderators_and_happen_once(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    admit(&store, &class, "bob").await;
    let ada = posted(post(&store, &class, "ada", PostGuard::Participant).await);
    let bob = posted(post(&store, &class, "bob", PostGuard::Participant).await);
    let at = T0 + Duration::minutes(2);
    let delete = |id: MessageId, by: &str, any: bool| {
        let (store, class, by) = (store.clone(), class.clone(), user(by));
        async move {
            store
                .delete_message(&class.tenant_id, class.id, id, &by, any, at)
                .await
                .unwrap()
        }
    };
    assert_eq!(delete(ada.id, "bob", false).await, DeleteOutcome::NotAuthor);
    let DeleteOutcome::Deleted(gone) = delete(ada.id, "ada", false).await else {
        panic!("not deleted");
    };
    assert_eq!(gone.deleted_by, Some(user("ada")));
    assert_eq!(delete(ada.id, "ada", false).await, DeleteOutcome::NotFound);
    // A moderator deletes anyone's; two at once delete it once.
    let (a, b) = tokio::join!(
        delete(bob.id, "teacher", true),
        delete(bob.id, "teacher", true)
    );
    let deleted = [&a, &b]
        .iter()
        .filter(|o| matches!(o, DeleteOutcome::Deleted(_)))
        .count();
    assert_eq!(deleted, 1, "{a:?} {b:?}");
    assert!(all(&store, &class).await.is_empty());
    let events = event_data(&store, &class, "message.deleted");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["message"]["id"], bob.id.to_string());
    assert_eq!(events[1]["deletedBy"], "teacher");
    // The text is erased.
    let mut conn = store.pool().get().unwrap();
    use liveclass_persistence::schema::class_messages;
    let bodies: Vec<String> = class_messages::table
        .select(class_messages::body)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(bodies, ["", ""]);
}

async fn pages_follow_positions_and_tenants_stay_apart(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    for _ in 0..5 {
        posted(post(&store, &class, "teacher", PostGuard::Moderator).await);
    }
    let page = store
        .list_messages(&class.tenant_id, class.id, 1, 3, &[MessageKind::Chat])
        .await
        .unwrap();
    let positions: Vec<u64> = page.messages.iter().map(|m| m.position).collect();
    assert_eq!((positions, page.has_more), (vec![2, 3, 4], true));
    let page = store
        .list_messages(&class.tenant_id, class.id, 4, 3, &[])
        .await
        .unwrap();
    assert_eq!((page.messages.len(), page.has_more), (1, false));
    let other = store
        .list_messages(&tenant("tenant-b"), class.id, 0, 100, &[])
        .await
        .unwrap();
    assert!(other.messages.is_empty());
    admit(&store, &class, "ada").await;
    assert!(
        store
            .has_participated(&class.tenant_id, class.id, &user("ada"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .has_participated(&class.tenant_id, class.id, &user("bob"))
            .await
            .unwrap()
    );
}

fn question(class: &LiveClass, who: &str, text: &str, anonymous: bool) -> NewMessage {
    NewMessage {
        kind: MessageKind::Question,
        anonymous,
        ..message(class, who, text)
    }
}

async fn anonymous_questions_keep_their_author_out_of_events(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "shy").await;
    let asked = posted(
        store
            .post_message(
                &question(&class, "shy", "Why?", true),
                PostGuard::Participant,
            )
            .await
            .unwrap(),
    );
    assert_eq!(
        (asked.anonymous, asked.status),
        (true, Some(QuestionStatus::Open))
    );
    // Stored for abuse handling…
    assert_eq!(all(&store, &class).await[0].author_id, user("shy"));
    // …and in no event.
    let events = event_data(&store, &class, "question.asked");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["question"]["content"], "Why?");
    assert_eq!(events[0]["question"]["isAnonymous"], true);
    let text = events[0].to_string();
    assert!(!text.contains("shy"), "{text}");
    assert!(event_data(&store, &class, "message.posted").is_empty());
}

async fn one_upvote_per_user_under_concurrency_and_exact_counts(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 40).await;
    for i in 0..30 {
        admit(&store, &class, &format!("u{i}")).await;
    }
    let q = posted(
        store
            .post_message(
                &question(&class, "teacher", "Ready?", false),
                PostGuard::Moderator,
            )
            .await
            .unwrap(),
    );
    // Every user upvotes twice at once.
    let votes: Vec<_> = (0..60)
        .map(|i| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                store
                    .upvote_question(
                        &class.tenant_id,
                        class.id,
                        q.id,
                        &user(&format!("u{}", i % 30)),
                        PostGuard::Participant,
                        T0 + Duration::minutes(2),
                    )
                    .await
                    .unwrap()
            })
        })
        .collect();
    let (mut upvoted, mut again) = (0, 0);
    for v in votes {
        match v.await.unwrap() {
            UpvoteOutcome::Upvoted(_) => upvoted += 1,
            UpvoteOutcome::AlreadyUpvoted => again += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((upvoted, again), (30, 30));
    let listed = store
        .list_questions(&class.tenant_id, class.id, None, QuestionSort::Votes, 10, 0)
        .await
        .unwrap();
    assert_eq!(listed[0].upvotes, 30);
    let counts: Vec<u64> = event_data(&store, &class, "question.upvoted")
        .iter()
        .map(|e| e["question"]["upvotes"].as_u64().unwrap())
        .collect();
    assert_eq!(counts.len(), 30);
    let distinct: HashSet<u64> = counts.iter().copied().collect();
    assert_eq!(
        distinct,
        (1..=30).collect(),
        "each upvote's event has its count"
    );
    // Not admitted, not a question, not live.
    let outsider = store
        .upvote_question(
            &class.tenant_id,
            class.id,
            q.id,
            &user("nobody"),
            PostGuard::Participant,
            T0,
        )
        .await
        .unwrap();
    assert_eq!(outsider, UpvoteOutcome::Refused(PostOutcome::NotAdmitted));
    let chat = posted(post(&store, &class, "teacher", PostGuard::Moderator).await);
    let not_a_question = store
        .upvote_question(
            &class.tenant_id,
            class.id,
            chat.id,
            &user("u1"),
            PostGuard::Participant,
            T0,
        )
        .await
        .unwrap();
    assert_eq!(not_a_question, UpvoteOutcome::QuestionNotFound);
}

async fn questions_sort_by_votes_or_time_and_moderators_set_their_status(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    let mut ids = Vec::new();
    for text in ["first", "second", "third"] {
        let q = posted(
            store
                .post_message(
                    &question(&class, "teacher", text, false),
                    PostGuard::Moderator,
                )
                .await
                .unwrap(),
        );
        ids.push(q.id);
    }
    store
        .upvote_question(
            &class.tenant_id,
            class.id,
            ids[2],
            &user("ada"),
            PostGuard::Participant,
            T0,
        )
        .await
        .unwrap();
    let texts = |qs: Vec<Message>| qs.into_iter().map(|q| q.text).collect::<Vec<_>>();
    let by_votes = store
        .list_questions(&class.tenant_id, class.id, None, QuestionSort::Votes, 10, 0)
        .await
        .unwrap();
    assert_eq!(texts(by_votes), ["third", "first", "second"]);
    let by_time = store
        .list_questions(&class.tenant_id, class.id, None, QuestionSort::Time, 2, 1)
        .await
        .unwrap();
    assert_eq!(texts(by_time), ["second", "third"]);
    let answered = store
        .set_question_status(
            &class.tenant_id,
            class.id,
            ids[0],
            QuestionStatus::Answered,
            T0,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answered.status, Some(QuestionStatus::Answered));
    store
        .set_question_status(
            &class.tenant_id,
            class.id,
            ids[1],
            QuestionStatus::Dismissed,
            T0,
        )
        .await
        .unwrap()
        .unwrap();
    let open = store
        .list_questions(
            &class.tenant_id,
            class.id,
            Some(QuestionStatus::Open),
            QuestionSort::Time,
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(texts(open), ["third"]);
    assert_eq!(event_data(&store, &class, "question.answered").len(), 1);
    assert_eq!(event_data(&store, &class, "question.dismissed").len(), 1);
    let foreign = store
        .set_question_status(
            &tenant("tenant-b"),
            class.id,
            ids[0],
            QuestionStatus::Open,
            T0,
        )
        .await
        .unwrap();
    assert!(foreign.is_none());
}

on_both_backends!(
    anonymous_questions_keep_their_author_out_of_events,
    one_upvote_per_user_under_concurrency_and_exact_counts,
    questions_sort_by_votes_or_time_and_moderators_set_their_status,
    a_participant_posts_and_the_post_is_listed_and_an_event,
    posts_are_refused_without_writing_unless_live_admitted_and_not_removed,
    concurrent_posts_get_gapless_positions_and_a_follower_never_skips,
    deletions_are_the_authors_or_a_moderators_and_happen_once,
    pages_follow_positions_and_tenants_stay_apart,
);
