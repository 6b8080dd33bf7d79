//! The admission contract (see the `admission` module of the crate): seats,
//! one active participation per user, and the races between joins, leaves,
//! ends and capacity changes, run on SQLite and on PostgreSQL
//! (`LIVECLASS_TEST_POSTGRES_URL`; each test gets a database of its own).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use diesel::RunQueryDsl;
use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, Capacity, ClassRepository, ClassStatus, ParticipationRepository,
    TransitionOutcome,
};
use liveclass_domain::ids::{IdGenerator, RandomIds};
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::testing::TestDatabase;
use time::Duration;

use common::*;

async fn admission_counts_seats_and_refuses_when_full(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    // Three seats: the one held for the teacher, and two others.
    let class = live_class(&store, 3).await;
    let first = store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let AdmitOutcome::Admitted(a) = first else {
        panic!("{first:?}")
    };
    assert_eq!(a.user_name.as_deref(), Some("a name"));
    assert!(matches!(
        store.admit(&admit_request(&class, "b", T0)).await.unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(
        store.admit(&admit_request(&class, "c", T0)).await.unwrap(),
        AdmitOutcome::Full { capacity: 3 }
    );
    // The same user again: their seat, not a new one, even when full.
    assert_eq!(
        store
            .admit(&admit_request(&class, "a", T0 + Duration::seconds(5)))
            .await
            .unwrap(),
        AdmitOutcome::AlreadyActive(a)
    );
    let now = counts_of(&store, &class).await;
    assert_eq!((now.active, now.participants), (2, 2));
}

async fn the_creators_seat_is_held_for_them(db: TestDatabase) {
    use liveclass_domain::class::ParticipantRole;
    let store = DieselStore::new(db.pool.clone());
    // Two seats: the teacher's and one more.
    let class = live_class(&store, 2).await;
    assert!(matches!(
        store.admit(&admit_request(&class, "a", T0)).await.unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(
        store.admit(&admit_request(&class, "b", T0)).await.unwrap(),
        AdmitOutcome::Full { capacity: 2 }
    );
    let teacher = |at| AdmitRequest {
        user_id: class.created_by.clone(),
        role: ParticipantRole::Teacher,
        ..admit_request(&class, "teacher", at)
    };
    // A full class still takes its teacher, in seat 1, and keeps that seat
    // while they are out.
    let AdmitOutcome::Admitted(seated) = store.admit(&teacher(T0)).await.unwrap() else {
        panic!("the teacher was refused")
    };
    assert_eq!(seated.role, ParticipantRole::Teacher);
    assert_eq!(seat_of(&db, &seated), Some(1));
    store
        .release(
            &class.tenant_id,
            class.id,
            &class.created_by,
            T0 + Duration::minutes(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.admit(&admit_request(&class, "b", T0)).await.unwrap(),
        AdmitOutcome::Full { capacity: 2 }
    );
    assert!(matches!(
        store
            .admit(&teacher(T0 + Duration::minutes(2)))
            .await
            .unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(counts_of(&store, &class).await.active, 2);
}

fn seat_of(db: &TestDatabase, p: &liveclass_domain::class::Participation) -> Option<i32> {
    use diesel::prelude::*;
    use liveclass_persistence::testing::schema::participations;
    participations::table
        .filter(participations::id.eq(p.id.to_string()))
        .select(participations::seat_no)
        .first(&mut *db.pool.get().unwrap())
        .unwrap()
}

async fn admission_is_refused_before_the_class_is_live(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = new_class("tenant-a", 5, T0);
    store.insert(&class).await.unwrap();
    assert_eq!(
        store.admit(&admit_request(&class, "a", T0)).await.unwrap(),
        AdmitOutcome::NotLive(ClassStatus::Scheduled)
    );
    assert!(
        store
            .list_for_class(&class.tenant_id, class.id, false)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn leaving_frees_the_seat_and_a_rejoin_is_a_new_stay(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 2).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let left = store
        .release(
            &class.tenant_id,
            class.id,
            &user("a"),
            T0 + Duration::minutes(1),
        )
        .await
        .unwrap()
        .expect("was in the class");
    assert_eq!(left.left_at, Some(T0 + Duration::minutes(1)));
    assert_eq!(
        store
            .release(&class.tenant_id, class.id, &user("a"), T0)
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        store
            .admit(&admit_request(&class, "a", T0 + Duration::minutes(2)))
            .await
            .unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    let now = counts_of(&store, &class).await;
    assert_eq!((now.active, now.participants), (1, 1));
    assert_eq!(
        store
            .list_for_class(&class.tenant_id, class.id, false)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .list_for_class(&class.tenant_id, class.id, true)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn a_leave_never_predates_the_join(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 3).await;
    store
        .admit(&admit_request(&class, "a", T0 + Duration::seconds(10)))
        .await
        .unwrap();
    let left = store
        .release(&class.tenant_id, class.id, &user("a"), T0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(left.left_at, Some(T0 + Duration::seconds(10)));
    store
        .admit(&admit_request(&class, "b", T0 + Duration::seconds(10)))
        .await
        .unwrap();
    let ended = store
        .mark_ended(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    assert!(matches!(ended, TransitionOutcome::Changed(_)));
}

async fn the_database_allows_one_active_participation_per_user(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let mut conn = db.pool.get().unwrap();
    let sql = format!(
        "INSERT INTO participations (id, class_id, tenant_id, user_id, role, joined_at, seat_no) \
         VALUES ('{}', '{}', 'tenant-a', 'a', 'participant', '2030-03-01 14:00:00', 5)",
        RandomIds.new_uuid(),
        class.id
    );
    let err = diesel::sql_query(sql).execute(&mut *conn).unwrap_err();
    assert!(err.to_string().to_lowercase().contains("unique"), "{err}");
}

async fn the_database_seats_every_active_participation_within_capacity(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    // Seat 1 is held for the teacher, a takes one of seats 2 and 3.
    let class = live_class(&store, 3).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    let mut conn = db.pool.get().unwrap();
    let insert = |user: &str, seat: &str| {
        format!(
            "INSERT INTO participations (id, class_id, tenant_id, user_id, role, joined_at, seat_no) \
             VALUES ('{}', '{}', 'tenant-a', '{user}', 'participant', '2030-03-01 14:00:00', {seat})",
            RandomIds.new_uuid(),
            class.id
        )
    };
    // Active without a seat, on a seat past the capacity, on a taken seat.
    let taken: i32 = {
        use diesel::prelude::*;
        liveclass_persistence::testing::schema::class_seats::table
            .filter(
                liveclass_persistence::testing::schema::class_seats::participation_id.is_not_null(),
            )
            .select(liveclass_persistence::testing::schema::class_seats::seat_no)
            .first(&mut *conn)
            .unwrap()
    };
    for seat in ["NULL".to_owned(), "4".to_owned(), taken.to_string()] {
        let result = diesel::sql_query(insert("intruder", &seat)).execute(&mut *conn);
        assert!(
            result.is_err(),
            "an active participation on seat {seat} was accepted"
        );
    }
    let free: i32 = {
        use diesel::prelude::*;
        use liveclass_persistence::testing::schema::class_seats;
        class_seats::table
            .filter(class_seats::participation_id.is_null())
            .select(class_seats::seat_no)
            .first(&mut *conn)
            .unwrap()
    };
    diesel::sql_query(insert("seated", &free.to_string()))
        .execute(&mut *conn)
        .unwrap();
}

async fn seats_exist_only_while_the_class_is_live(db: TestDatabase) {
    use diesel::prelude::*;
    use liveclass_persistence::testing::schema::class_seats;
    let store = DieselStore::new(db.pool.clone());
    let class = new_class("tenant-a", 7, T0);
    store.insert(&class).await.unwrap();
    let seats = |pool: &liveclass_persistence::DbPool| -> i64 {
        class_seats::table
            .filter(class_seats::class_id.eq(class.id.to_string()))
            .count()
            .get_result(&mut *pool.get().unwrap())
            .unwrap()
    };
    assert_eq!(seats(&db.pool), 0);
    store
        .mark_started(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    assert_eq!(seats(&db.pool), 7);
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    store
        .mark_ended(&class.tenant_id, class.id, T0)
        .await
        .unwrap();
    assert_eq!(seats(&db.pool), 0);
}

async fn concurrent_admissions_never_exceed_capacity(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 20).await;
    let tasks: Vec<_> = (0..80)
        .map(|i| {
            let (store, request) = (store.clone(), admit_request(&class, &format!("u{i}"), T0));
            tokio::spawn(async move { store.admit(&request).await })
        })
        .collect();
    let (mut admitted, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap().unwrap() {
            AdmitOutcome::Admitted(_) => admitted += 1,
            AdmitOutcome::Full { .. } => full += 1,
            other => panic!("{other:?}"),
        }
    }
    // One of the 20 seats is held for the teacher.
    assert_eq!((admitted, full), (19, 61));
    let now = counts_of(&store, &class).await;
    assert_eq!(now.active, 19);
    assert_eq!(
        store
            .list_for_class(&class.tenant_id, class.id, true)
            .await
            .unwrap()
            .len(),
        19
    );
}

async fn concurrent_joins_of_one_user_take_one_seat(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 5).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (store, request) = (store.clone(), admit_request(&class, "same-user", T0));
            tokio::spawn(async move { store.admit(&request).await })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        match task.await.unwrap().unwrap() {
            AdmitOutcome::Admitted(p) | AdmitOutcome::AlreadyActive(p) => ids.insert(p.id),
            other => panic!("{other:?}"),
        };
    }
    assert_eq!(ids.len(), 1, "every caller must get the same participation");
    let now = counts_of(&store, &class).await;
    assert_eq!((now.active, now.participants), (1, 1));
}

async fn an_end_racing_joins_leaves_no_one_inside(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 100).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (s, request) = (store.clone(), admit_request(&class, &format!("u{i}"), T0));
        tasks.push(tokio::spawn(
            async move { s.admit(&request).await.map(drop) },
        ));
        if i == 20 {
            let (store, class) = (store.clone(), class.clone());
            tasks.push(tokio::spawn(async move {
                store
                    .mark_ended(&class.tenant_id, class.id, T0 + Duration::minutes(1))
                    .await
                    .map(drop)
            }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let now = store
        .find(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, ClassStatus::Ended);
    assert_eq!(counts_of(&store, &class).await.active, 0);
    assert!(
        store
            .list_for_class(&class.tenant_id, class.id, true)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_live_class_can_shrink_to_its_occupants_and_grow_again(db: TestDatabase) {
    use diesel::prelude::*;
    use liveclass_domain::class::{DetailsUpdate, UpdateOutcome};
    use liveclass_persistence::testing::schema::{class_seats, participations};
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 8).await;
    for who in ["a", "b", "c"] {
        store.admit(&admit_request(&class, who, T0)).await.unwrap();
    }
    let resize = |capacity: u32| DetailsUpdate {
        title: class.title.clone(),
        description: None,
        scheduled_at: class.scheduled_at,
        max_participants: Capacity::from_stored(capacity),
        admission: class.admission,
        room: class.room.clone(),
    };
    assert_eq!(
        store
            .update_details(&class.tenant_id, class.id, &resize(3), T0)
            .await
            .unwrap(),
        UpdateOutcome::TooManyActive { active: 4 },
        "three students and the teacher's seat"
    );
    let shrunk = store
        .update_details(&class.tenant_id, class.id, &resize(4), T0)
        .await
        .unwrap();
    assert!(matches!(shrunk, UpdateOutcome::Updated(c) if c.max_participants.get() == 4));
    // Everyone kept a seat within the new capacity, and there are 4 seats.
    let mut conn = db.pool.get().unwrap();
    let seats: Vec<(i32, Option<String>)> = class_seats::table
        .filter(class_seats::class_id.eq(class.id.to_string()))
        .order(class_seats::seat_no.asc())
        .select((class_seats::seat_no, class_seats::participation_id))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(seats.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    // The teacher's seat stays free for them; the students fill the others.
    assert!(seats[0].1.is_none());
    assert!(seats[1..].iter().all(|s| s.1.is_some()));
    let held: Vec<Option<i32>> = participations::table
        .filter(participations::class_id.eq(class.id.to_string()))
        .filter(participations::left_at.is_null())
        .select(participations::seat_no)
        .load(&mut *conn)
        .unwrap();
    assert!(held.iter().all(|s| matches!(s, Some(2..=4))), "{held:?}");
    drop(conn);
    assert_eq!(
        store.admit(&admit_request(&class, "d", T0)).await.unwrap(),
        AdmitOutcome::Full { capacity: 4 }
    );
    store
        .update_details(&class.tenant_id, class.id, &resize(5), T0)
        .await
        .unwrap();
    assert!(matches!(
        store.admit(&admit_request(&class, "d", T0)).await.unwrap(),
        AdmitOutcome::Admitted(_)
    ));
    assert_eq!(counts_of(&store, &class).await.active, 4);
}

async fn a_rejoin_never_begins_before_the_last_leave(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 3).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    // The leave is stamped by a server whose clock is a minute ahead, the
    // rejoin by one whose clock is behind.
    let left = store
        .release(
            &class.tenant_id,
            class.id,
            &user("a"),
            T0 + Duration::seconds(60),
        )
        .await
        .unwrap()
        .unwrap();
    let again = store
        .admit(&admit_request(&class, "a", T0 + Duration::seconds(10)))
        .await
        .unwrap();
    let AdmitOutcome::Admitted(again) = again else {
        panic!("{again:?}")
    };
    assert_eq!(Some(again.joined_at), left.left_at);
    let stays = store
        .list_for_class(&class.tenant_id, class.id, false)
        .await
        .unwrap();
    assert_no_overlapping_stays(&stays);
    assert!(
        stays
            .iter()
            .any(|p| p.id == again.id && p.joined_at == again.joined_at)
    );
}

async fn the_database_refuses_overlapping_stays(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 5).await;
    store.admit(&admit_request(&class, "a", T0)).await.unwrap();
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("a"),
            T0 + Duration::seconds(60),
        )
        .await
        .unwrap()
        .unwrap();
    let mut conn = db.pool.get().unwrap();
    // A stay written behind the admission's back, starting inside the
    // closed one.
    let sql = format!(
        "INSERT INTO participations (id, class_id, tenant_id, user_id, role, joined_at, seat_no) \
         VALUES ('{}', '{}', 'tenant-a', 'a', 'participant', '2030-03-01 14:00:30', NULL)",
        RandomIds.new_uuid(),
        class.id
    );
    // seat_no NULL for an active stay also breaks the seat CHECK: close it
    // at once so that only the overlap is wrong.
    let sql = sql
        .replace("joined_at, seat_no) ", "joined_at, left_at, seat_no) ")
        .replace(
            "'2030-03-01 14:00:30', NULL",
            "'2030-03-01 14:00:30', '2030-03-01 14:00:40', NULL",
        );
    let err = diesel::sql_query(sql).execute(&mut *conn).unwrap_err();
    assert!(err.to_string().contains("overlaps"), "{err}");
}

/// Same users joining and leaving from many tasks at once, each stamped by
/// a "server clock" skewed by up to two minutes: afterwards no two stays of
/// one user in the class overlap, and at most one is active.
async fn racing_joins_and_leaves_never_overlap_stays(db: TestDatabase) {
    const USERS: usize = 4;
    const TASKS_PER_USER: usize = 6;
    const ROUNDS: usize = 6;
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 10).await;
    let tasks: Vec<_> = (0..USERS * TASKS_PER_USER)
        .map(|task| {
            let (store, class) = (store.clone(), class.clone());
            tokio::spawn(async move {
                let who = format!("racer-{}", task % USERS);
                for round in 0..ROUNDS {
                    // A deterministic spread of skewed instants.
                    let skew = |salt: usize| {
                        let n = (task * 7919 + round * 104_729 + salt * 31) % 240;
                        T0 + Duration::seconds(i64::try_from(n).unwrap())
                    };
                    let outcome = store
                        .admit(&admit_request(&class, &who, skew(1)))
                        .await
                        .unwrap();
                    assert!(
                        matches!(
                            outcome,
                            AdmitOutcome::Admitted(_) | AdmitOutcome::AlreadyActive(_)
                        ),
                        "{outcome:?}"
                    );
                    store
                        .release(&class.tenant_id, class.id, &user(&who), skew(2))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let stays = store
        .list_for_class(&class.tenant_id, class.id, false)
        .await
        .unwrap();
    assert!(stays.len() >= USERS, "{} stays", stays.len());
    assert_no_overlapping_stays(&stays);
}

/// Per user: sorted by start, each stay ends no later than the next begins,
/// only the last may be active, and no stay ends before it begins.
fn assert_no_overlapping_stays(stays: &[liveclass_domain::class::Participation]) {
    let mut by_user: std::collections::BTreeMap<&str, Vec<_>> = Default::default();
    for stay in stays {
        by_user.entry(stay.user_id.as_str()).or_default().push(stay);
    }
    for (user, mut list) in by_user {
        list.sort_by_key(|p| (p.joined_at, p.left_at.is_none(), p.left_at));
        for stay in &list {
            if let Some(left) = stay.left_at {
                assert!(
                    left >= stay.joined_at,
                    "{user}: {stay:?} ends before it begins"
                );
            }
        }
        for pair in list.windows(2) {
            let left = pair[0]
                .left_at
                .unwrap_or_else(|| panic!("{user}: an active stay is followed by {:?}", pair[1]));
            assert!(
                left <= pair[1].joined_at,
                "{user}: {:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
    }
}

on_both_backends!(
    the_creators_seat_is_held_for_them,
    admission_counts_seats_and_refuses_when_full,
    admission_is_refused_before_the_class_is_live,
    leaving_frees_the_seat_and_a_rejoin_is_a_new_stay,
    a_leave_never_predates_the_join,
    the_database_allows_one_active_participation_per_user,
    the_database_seats_every_active_participation_within_capacity,
    seats_exist_only_while_the_class_is_live,
    concurrent_admissions_never_exceed_capacity,
    concurrent_joins_of_one_user_take_one_seat,
    an_end_racing_joins_leaves_no_one_inside,
    a_live_class_can_shrink_to_its_occupants_and_grow_again,
    a_rejoin_never_begins_before_the_last_leave,
    the_database_refuses_overlapping_stays,
    racing_joins_and_leaves_never_overlap_stays,
);
