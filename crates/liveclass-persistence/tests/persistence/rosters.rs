//! Course rosters and the `roster` admission policy (issue 12), on SQLite
//! and on PostgreSQL: the roster port, the policy checked inside the atomic
//! admission, and the class list a student sees.

#![allow(clippy::unwrap_used)]

use crate::common;

use liveclass_domain::class::{
    AdmissionPolicy, AdmitOutcome, ClassFilter, ClassRepository, ClassStatus, LiveClass,
    PageRequest, ParticipationRepository, TransitionOutcome,
};
use liveclass_domain::roster::RosterRepository;
use liveclass_domain::schedule::CourseId;
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::Duration;

use common::*;

fn rosters(store: &DieselStore) -> &dyn RosterRepository {
    store
}

fn course(name: &str) -> CourseId {
    CourseId::parse(name).unwrap()
}

/// A live class of `course` with the `roster` policy, created by `teacher`.
async fn roster_class(store: &DieselStore, tenant_name: &str, course_name: &str) -> LiveClass {
    let class = LiveClass {
        course_id: Some(course(course_name)),
        admission: AdmissionPolicy::Roster,
        ..new_class(tenant_name, 5, T0)
    };
    store.insert(&class).await.unwrap();
    match store
        .mark_started(&class.tenant_id, class.id, T0)
        .await
        .unwrap()
    {
        TransitionOutcome::Changed(c) => *c,
        other => panic!("start failed: {other:?}"),
    }
}

async fn a_roster_is_replaced_added_to_and_removed_from_idempotently(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let (t, c) = (tenant("tenant-a"), course("web"));
    assert!(rosters(&store).list(&t, &c).await.unwrap().is_empty());
    rosters(&store)
        .replace(&t, &c, &[user("a"), user("b")], T0)
        .await
        .unwrap();
    // Twice: the same roster.
    rosters(&store)
        .replace(&t, &c, &[user("a"), user("b")], T0)
        .await
        .unwrap();
    assert_eq!(
        rosters(&store).list(&t, &c).await.unwrap(),
        [user("a"), user("b")]
    );
    rosters(&store)
        .replace(&t, &c, &[user("b"), user("c")], T0)
        .await
        .unwrap();
    assert_eq!(
        rosters(&store).list(&t, &c).await.unwrap(),
        [user("b"), user("c")]
    );

    assert!(rosters(&store).add(&t, &c, &user("a"), T0).await.unwrap());
    assert!(!rosters(&store).add(&t, &c, &user("a"), T0).await.unwrap());
    assert!(rosters(&store).remove(&t, &c, &user("b")).await.unwrap());
    assert!(!rosters(&store).remove(&t, &c, &user("b")).await.unwrap());
    assert_eq!(
        rosters(&store).list(&t, &c).await.unwrap(),
        [user("a"), user("c")]
    );

    // Another course and another tenant are other rosters.
    assert!(
        rosters(&store)
            .list(&t, &course("data"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        rosters(&store)
            .list(&tenant("tenant-b"), &c)
            .await
            .unwrap()
            .is_empty()
    );
    rosters(&store).replace(&t, &c, &[], T0).await.unwrap();
    assert!(rosters(&store).list(&t, &c).await.unwrap().is_empty());
}

async fn a_roster_class_admits_its_creator_and_its_roster_only(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = roster_class(&store, "tenant-a", "web").await;
    let t = class.tenant_id.clone();
    rosters(&store)
        .replace(&t, &course("web"), &[user("a")], T0)
        .await
        .unwrap();
    // The same user name on another tenant's roster of the same course does
    // not count.
    rosters(&store)
        .replace(&tenant("tenant-b"), &course("web"), &[user("b")], T0)
        .await
        .unwrap();

    assert!(matches!(
        store.admit(&admit_request(&class, "a", T0)).await.unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(
        store.admit(&admit_request(&class, "b", T0)).await.unwrap(),
        AdmitOutcome::NotOnRoster
    );
    assert!(matches!(
        store
            .admit(&admit_request(&class, "teacher", T0))
            .await
            .unwrap(),
        AdmitOutcome::Admitted(_)
    ));

    // Taken off the roster: in the class still, refused after leaving.
    rosters(&store)
        .remove(&t, &course("web"), &user("a"))
        .await
        .unwrap();
    assert!(matches!(
        store.admit(&admit_request(&class, "a", T0)).await.unwrap(),
        AdmitOutcome::AlreadyActive(_)
    ));
    store
        .release(&t, class.id, &user("a"), T0 + Duration::minutes(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .admit(&admit_request(&class, "a", T0 + Duration::minutes(2)))
            .await
            .unwrap(),
        AdmitOutcome::NotOnRoster
    );
    // A refusal takes no seat and writes nothing.
    let now = counts_of(&store, &class).await;
    assert_eq!((now.active, now.participants), (1, 2));
}

async fn a_class_not_live_is_refused_as_such_before_its_roster_is_checked(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = LiveClass {
        course_id: Some(course("web")),
        admission: AdmissionPolicy::Roster,
        ..new_class("tenant-a", 5, T0)
    };
    store.insert(&class).await.unwrap();
    assert_eq!(
        store.admit(&admit_request(&class, "x", T0)).await.unwrap(),
        AdmitOutcome::NotLive(ClassStatus::Scheduled)
    );
}

async fn the_database_refuses_a_roster_class_without_a_course(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = LiveClass {
        admission: AdmissionPolicy::Roster,
        ..new_class("tenant-a", 5, T0)
    };
    assert!(store.insert(&class).await.is_err());
}

async fn a_viewer_lists_open_classes_their_roster_classes_and_their_own(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let open = live_class(&store, 5).await;
    let web = roster_class(&store, "tenant-a", "web").await;
    let data = roster_class(&store, "tenant-a", "data").await;
    let t = open.tenant_id.clone();
    rosters(&store)
        .add(&t, &course("web"), &user("a"), T0)
        .await
        .unwrap();
    // The same user on another tenant's roster of "data" sees nothing more.
    rosters(&store)
        .add(&tenant("tenant-b"), &course("data"), &user("a"), T0)
        .await
        .unwrap();
    let ids = |viewer: Option<&str>| {
        let store = store.clone();
        let t = t.clone();
        let filter = ClassFilter {
            visible_to: viewer.map(user),
            ..ClassFilter::default()
        };
        async move {
            let page = ClassRepository::list(&store, &t, &filter, PageRequest::default())
                .await
                .unwrap();
            let mut ids: Vec<_> = page.classes.iter().map(|(c, _)| c.id).collect();
            ids.sort_unstable_by_key(ToString::to_string);
            (page.total, ids)
        }
    };
    let sorted = |mut v: Vec<liveclass_domain::ids::ClassId>| {
        v.sort_unstable_by_key(ToString::to_string);
        v
    };
    assert_eq!(ids(None).await, (3, sorted(vec![open.id, web.id, data.id])));
    assert_eq!(ids(Some("a")).await, (2, sorted(vec![open.id, web.id])));
    assert_eq!(ids(Some("b")).await, (1, vec![open.id]));
    // The creator of both roster classes sees them.
    assert_eq!(
        ids(Some("teacher")).await,
        (3, sorted(vec![open.id, web.id, data.id]))
    );
}

on_both_backends!(
    a_roster_is_replaced_added_to_and_removed_from_idempotently,
    a_roster_class_admits_its_creator_and_its_roster_only,
    a_class_not_live_is_refused_as_such_before_its_roster_is_checked,
    the_database_refuses_a_roster_class_without_a_course,
    a_viewer_lists_open_classes_their_roster_classes_and_their_own,
);
