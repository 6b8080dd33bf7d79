//! Read marks and unread counts (module `reads` of the crate): a mark only
//! moves forward, under concurrency too, never past the chat's last
//! message; unread counts leave out the user's own and deleted messages,
//! come for a whole page of classes in one query, and stay in the tenant —
//! on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use liveclass_domain::LiveClass;
use liveclass_domain::ids::{IdGenerator, MessageId, RandomIds};
use liveclass_domain::interaction::{
    MessageKind, MessageRepository, MessageText, NewMessage, PostGuard, PostOutcome,
    ReadRepository, ReadUpTo,
};
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

async fn say(store: &DieselStore, class: &LiveClass, who: &str) -> MessageId {
    let message = NewMessage {
        id: MessageId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        kind: MessageKind::Chat,
        author_id: user(who),
        author_name: None,
        anonymous: false,
        text: MessageText::parse("hi").unwrap(),
        posted_at: T0 + Duration::minutes(1),
    };
    match store
        .post_message(&message, PostGuard::Moderator)
        .await
        .unwrap()
    {
        PostOutcome::Posted(m) => m.id,
        other => panic!("not posted: {other:?}"),
    }
}

async fn unread(store: &DieselStore, class: &LiveClass, who: &str) -> u64 {
    store
        .unread_counts(&class.tenant_id, &user(who), &[class.id])
        .await
        .unwrap()
        .into_iter()
        .find(|(c, _)| *c == class.id)
        .map_or(0, |(_, n)| n)
}

async fn mark(store: &DieselStore, class: &LiveClass, who: &str, up_to: ReadUpTo) -> Option<u64> {
    store
        .mark_read(&class.tenant_id, class.id, &user(who), up_to, T0)
        .await
        .unwrap()
}

async fn marks_move_forward_only_and_counts_follow_them(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    let other = live_class(&store, 10).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(say(&store, &class, "bob").await);
    }
    say(&store, &class, "ada").await;
    say(&store, &other, "bob").await;
    // Nothing marked: every message by others.
    assert_eq!(unread(&store, &class, "ada").await, 3);
    assert_eq!(unread(&store, &class, "bob").await, 1);
    // One query for several classes.
    let mut both = store
        .unread_counts(&class.tenant_id, &user("ada"), &[class.id, other.id])
        .await
        .unwrap();
    both.sort();
    let mut expected = vec![(class.id, 3), (other.id, 1)];
    expected.sort();
    assert_eq!(both, expected);
    assert_eq!(
        mark(&store, &class, "ada", ReadUpTo::Position(2)).await,
        Some(2)
    );
    assert_eq!(unread(&store, &class, "ada").await, 1);
    // Backwards changes nothing.
    assert_eq!(
        mark(&store, &class, "ada", ReadUpTo::Position(1)).await,
        Some(2)
    );
    assert_eq!(unread(&store, &class, "ada").await, 1);
    // By message; past the end is capped.
    assert_eq!(
        mark(&store, &class, "ada", ReadUpTo::Message(ids[2])).await,
        Some(3)
    );
    assert_eq!(unread(&store, &class, "ada").await, 0);
    assert_eq!(
        mark(&store, &class, "bob", ReadUpTo::Position(99)).await,
        Some(4)
    );
    // Another class's message, or none.
    assert_eq!(
        mark(
            &store,
            &other,
            "ada",
            ReadUpTo::Message(MessageId::from_uuid(RandomIds.new_uuid()))
        )
        .await,
        None
    );
    assert_eq!(
        mark(&store, &other, "ada", ReadUpTo::Message(ids[0])).await,
        None
    );
    // A deleted message is not unread.
    let late = say(&store, &class, "bob").await;
    assert_eq!(unread(&store, &class, "ada").await, 1);
    store
        .delete_message(&class.tenant_id, class.id, late, &user("bob"), false, T0)
        .await
        .unwrap();
    assert_eq!(unread(&store, &class, "ada").await, 0);
    // Another tenant counts nothing.
    assert!(
        store
            .unread_counts(&tenant("tenant-b"), &user("ada"), &[class.id, other.id])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn concurrent_marks_end_at_the_largest(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 10).await;
    for _ in 0..30 {
        say(&store, &class, "bob").await;
    }
    let tasks: Vec<_> = (1..=30_u64)
        .rev()
        .map(|p| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                store
                    .mark_read(
                        &class.tenant_id,
                        class.id,
                        &user("ada"),
                        ReadUpTo::Position(p),
                        T0,
                    )
                    .await
                    .unwrap()
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        mark(&store, &class, "ada", ReadUpTo::Position(0)).await,
        Some(30)
    );
    assert_eq!(unread(&store, &class, "ada").await, 0);
}

on_both_backends!(
    marks_move_forward_only_and_counts_follow_them,
    concurrent_marks_end_at_the_largest,
);
