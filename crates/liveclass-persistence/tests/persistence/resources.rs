//! Shared resources (module `resources` of the crate): shared while the
//! class is scheduled or live (checked inside the write), listed oldest
//! first without the removed ones, removed once under concurrency, each
//! change an event — on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use diesel::prelude::*;
use liveclass_domain::LiveClass;
use liveclass_domain::class::ClassRepository;
use liveclass_domain::ids::{IdGenerator, RandomIds, ResourceId};
use liveclass_domain::interaction::{Resource, ResourceRepository, ResourceSpec, ShareOutcome};
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

fn resource(class: &LiveClass, title: &str, minutes: i64) -> Resource {
    Resource {
        id: ResourceId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        spec: ResourceSpec::parse(title, "https://cdn.example.com/deck.pdf", "slides").unwrap(),
        shared_by: user("teacher"),
        shared_by_name: Some("Teacher".into()),
        shared_at: T0 + Duration::minutes(minutes),
        removed_at: None,
        removed_by: None,
    }
}

fn shared(outcome: ShareOutcome) -> Resource {
    match outcome {
        ShareOutcome::Shared(r) => *r,
        other => panic!("not shared: {other:?}"),
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

async fn resources_are_shared_listed_and_removed_once_with_events(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 10).await;
    let second = shared(
        store
            .share_resource(&resource(&class, "Second", 2))
            .await
            .unwrap(),
    );
    let first = shared(
        store
            .share_resource(&resource(&class, "First", 1))
            .await
            .unwrap(),
    );
    let listed = store
        .list_resources(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(listed, vec![first.clone(), second.clone()]);
    let at = T0 + Duration::minutes(5);
    let teacher = user("teacher");
    let (a, b) = tokio::join!(
        store.remove_resource(&class.tenant_id, class.id, first.id, &teacher, at),
        store.remove_resource(&class.tenant_id, class.id, first.id, &teacher, at)
    );
    let removed: Vec<Resource> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0].removed_by, Some(user("teacher")));
    let listed = store
        .list_resources(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(listed, vec![second.clone()]);
    // Another tenant neither lists nor removes it.
    assert!(
        store
            .list_resources(&tenant("tenant-b"), class.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .remove_resource(&tenant("tenant-b"), class.id, second.id, &user("x"), at)
            .await
            .unwrap()
            .is_none()
    );
    let shared_events = event_data(&store, &class, "resource.shared");
    assert_eq!(shared_events.len(), 2);
    assert_eq!(shared_events[0]["resource"]["title"], "Second");
    assert_eq!(shared_events[0]["resource"]["type"], "slides");
    assert_eq!(
        shared_events[0]["resource"]["url"],
        "https://cdn.example.com/deck.pdf"
    );
    let removed_events = event_data(&store, &class, "resource.removed");
    assert_eq!(removed_events.len(), 1);
    assert_eq!(removed_events[0]["resource"]["id"], first.id.to_string());
    assert_eq!(removed_events[0]["resource"]["removedBy"], "teacher");
}

async fn resources_are_shared_only_in_a_scheduled_or_live_class(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let scheduled = new_class("tenant-a", 10, T0);
    store.insert(&scheduled).await.unwrap();
    shared(
        store
            .share_resource(&resource(&scheduled, "Before", 0))
            .await
            .unwrap(),
    );
    let class = live_class(&store, 10).await;
    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(
        store
            .share_resource(&resource(&class, "After", 40))
            .await
            .unwrap(),
        ShareOutcome::ClassFinished
    );
    let mut foreign = resource(&scheduled, "Elsewhere", 1);
    foreign.tenant_id = tenant("tenant-b");
    assert_eq!(
        store.share_resource(&foreign).await.unwrap(),
        ShareOutcome::ClassNotFound
    );
    assert!(
        store
            .list_resources(&class.tenant_id, class.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(event_data(&store, &class, "resource.shared").is_empty());
}

on_both_backends!(
    resources_are_shared_listed_and_removed_once_with_events,
    resources_are_shared_only_in_a_scheduled_or_live_class,
);
