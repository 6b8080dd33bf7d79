//! Co-hosts and participant controls (issue 12), on SQLite and on
//! PostgreSQL: the co-host list on the class row (read with every class),
//! per-participation flags, "mute all", raised hands in order, the refusals
//! decided inside the write, and one event per change in the same
//! transaction.

#![allow(clippy::unwrap_used)]

use crate::common;

use diesel::prelude::*;
use liveclass_domain::class::{
    AdmitOutcome, ClassRepository, ClassStatus, CoHostChange, CoHostRefusal, LiveClass,
    ParticipationRepository, TransitionOutcome,
};
use liveclass_domain::controls::{
    CoHostOutcome, ControlsChange, ControlsOutcome, ControlsPatch, ControlsRepository,
    MuteAllOutcome, ParticipantState, raised_hands,
};
use liveclass_persistence::DieselStore;
use liveclass_persistence::on_both_backends;
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use time::Duration;

use common::*;

fn controls(store: &DieselStore) -> &dyn ControlsRepository {
    store
}

async fn admit(store: &DieselStore, class: &LiveClass, who: &str) {
    match store
        .admit(&admit_request(class, who, T0 + Duration::minutes(1)))
        .await
        .unwrap()
    {
        AdmitOutcome::Admitted(_) => {}
        other => panic!("{who} not admitted: {other:?}"),
    }
}

/// The class's events of `event_type`, as stored.
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

async fn co_host(
    store: &DieselStore,
    class: &LiveClass,
    who: &str,
    change: CoHostChange,
) -> CoHostOutcome {
    controls(store)
        .change_co_host(
            &class.tenant_id,
            class.id,
            &user(who),
            change,
            &user("teacher"),
            T0 + Duration::minutes(2),
        )
        .await
        .unwrap()
}

async fn change(
    store: &DieselStore,
    class: &LiveClass,
    who: &str,
    change: ControlsChange,
    minute: i64,
) -> ControlsOutcome {
    controls(store)
        .change_controls(
            &class.tenant_id,
            class.id,
            &user(who),
            change,
            &user("teacher"),
            T0 + Duration::minutes(minute),
        )
        .await
        .unwrap()
}

fn done(outcome: ControlsOutcome) -> ParticipantState {
    match outcome {
        ControlsOutcome::Done(s) => *s,
        other => panic!("not done: {other:?}"),
    }
}

async fn co_hosts_are_stored_on_the_class_read_with_it_and_evented(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    assert!(matches!(
        co_host(&store, &class, "assistant", CoHostChange::Grant).await,
        CoHostOutcome::Changed(c) if c.co_hosts == [user("assistant")]
    ));
    // Idempotent: no second event.
    assert!(matches!(
        co_host(&store, &class, "assistant", CoHostChange::Grant).await,
        CoHostOutcome::Unchanged(_)
    ));
    co_host(&store, &class, "second", CoHostChange::Grant).await;
    // Every read of the class carries them (no query of its own).
    let found = store
        .find(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.co_hosts, [user("assistant"), user("second")]);
    let granted = event_data(&store, &class, "co_host.granted");
    assert_eq!(granted.len(), 2);
    assert_eq!(granted[0]["userId"], "assistant");
    assert_eq!(
        granted[1]["coHosts"],
        serde_json::json!(["assistant", "second"])
    );
    assert_eq!(granted[0]["by"], "teacher");

    assert!(matches!(
        co_host(&store, &class, "assistant", CoHostChange::Revoke).await,
        CoHostOutcome::Changed(c) if c.co_hosts == [user("second")]
    ));
    assert!(matches!(
        co_host(&store, &class, "assistant", CoHostChange::Revoke).await,
        CoHostOutcome::Unchanged(_)
    ));
    assert_eq!(event_data(&store, &class, "co_host.revoked").len(), 1);
}

async fn co_host_refusals_are_decided_under_the_lock_and_write_nothing(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    assert_eq!(
        co_host(&store, &class, "teacher", CoHostChange::Grant).await,
        CoHostOutcome::Refused(CoHostRefusal::IsHost)
    );
    let other_tenant = LiveClass {
        tenant_id: tenant("tenant-b"),
        ..class.clone()
    };
    assert_eq!(
        co_host(&store, &other_tenant, "x", CoHostChange::Grant).await,
        CoHostOutcome::NotFound
    );
    assert!(matches!(
        store
            .mark_ended(&class.tenant_id, class.id, T0 + Duration::hours(1))
            .await
            .unwrap(),
        TransitionOutcome::Changed(_)
    ));
    assert_eq!(
        co_host(&store, &class, "late", CoHostChange::Grant).await,
        CoHostOutcome::Refused(CoHostRefusal::Finished(ClassStatus::Ended))
    );
    assert!(event_data(&store, &class, "co_host.granted").is_empty());
}

async fn a_moderator_sets_a_participants_flags_with_one_event_per_change(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    // Defaults.
    let (_, states) = controls(&store)
        .participant_states(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    let c = states[0].controls;
    assert!(c.mic_allowed && c.camera_allowed && !c.hand_raised() && !c.screen_sharing);

    let patch = ControlsPatch::new(Some(false), Some(false), None).unwrap();
    let s = done(change(&store, &class, "ada", ControlsChange::Patch(patch), 3).await);
    assert!(!s.controls.mic_allowed && !s.controls.camera_allowed);
    // The same again: no event.
    done(change(&store, &class, "ada", ControlsChange::Patch(patch), 4).await);
    let updated = event_data(&store, &class, "participant.updated");
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["participant"]["userId"], "ada");
    assert_eq!(updated[0]["participant"]["micAllowed"], false);
    assert_eq!(updated[0]["by"], "teacher");
    // Stored: the next credentials read it.
    let stored = controls(&store)
        .controls_of(&class.tenant_id, class.id, &user("ada"))
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.mic_allowed && !stored.camera_allowed);
    assert_eq!(
        controls(&store)
            .controls_of(&class.tenant_id, class.id, &user("nobody"))
            .await
            .unwrap(),
        None
    );
}

async fn hands_are_raised_once_lowered_by_anyone_and_listed_in_order(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    for who in ["ada", "bob", "cy"] {
        admit(&store, &class, who).await;
    }
    done(change(&store, &class, "bob", ControlsChange::RaiseHand, 5).await);
    done(change(&store, &class, "ada", ControlsChange::RaiseHand, 6).await);
    // Raised again later: keeps its place.
    let bob = done(change(&store, &class, "bob", ControlsChange::RaiseHand, 7).await);
    assert_eq!(bob.controls.hand_raised_at, Some(T0 + Duration::minutes(5)));
    let (_, states) = controls(&store)
        .participant_states(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    let order: Vec<String> = raised_hands(states)
        .into_iter()
        .map(|s| s.participation.user_id.to_string())
        .collect();
    assert_eq!(order, ["bob", "ada"]);
    assert_eq!(event_data(&store, &class, "hand.raised").len(), 2);

    // A moderator lowers bob's; ada lowers her own; lowering twice is quiet.
    let lower = ControlsPatch::new(None, None, Some(false)).unwrap();
    done(change(&store, &class, "bob", ControlsChange::Patch(lower), 8).await);
    done(change(&store, &class, "ada", ControlsChange::LowerHand, 9).await);
    done(change(&store, &class, "ada", ControlsChange::LowerHand, 10).await);
    let lowered = event_data(&store, &class, "hand.lowered");
    assert_eq!(lowered.len(), 2);
    assert_eq!(lowered[0]["participant"]["userId"], "bob");
    assert_eq!(lowered[0]["participant"]["handRaised"], false);
    assert!(event_data(&store, &class, "participant.updated").is_empty());
}

async fn controls_change_only_for_an_active_participation_of_a_live_class(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    admit(&store, &class, "gone").await;
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("gone"),
            T0 + Duration::minutes(2),
        )
        .await
        .unwrap();
    assert_eq!(
        change(&store, &class, "gone", ControlsChange::RaiseHand, 3).await,
        ControlsOutcome::NotParticipating
    );
    assert_eq!(
        change(&store, &class, "never", ControlsChange::RaiseHand, 3).await,
        ControlsOutcome::NotParticipating
    );
    let other_tenant = LiveClass {
        tenant_id: tenant("tenant-b"),
        ..class.clone()
    };
    assert_eq!(
        change(&store, &other_tenant, "ada", ControlsChange::RaiseHand, 3).await,
        ControlsOutcome::NotFound
    );
    let scheduled = new_class("tenant-a", 5, T0);
    store.insert(&scheduled).await.unwrap();
    assert_eq!(
        change(&store, &scheduled, "ada", ControlsChange::RaiseHand, 3).await,
        ControlsOutcome::NotLive(ClassStatus::Scheduled)
    );
    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        change(&store, &class, "ada", ControlsChange::RaiseHand, 61).await,
        ControlsOutcome::NotLive(ClassStatus::Ended)
    );
    assert!(event_data(&store, &class, "hand.raised").is_empty());
}

async fn mute_all_spares_the_host_and_co_hosts_and_mutes_each_other_once(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    co_host(&store, &class, "assistant", CoHostChange::Grant).await;
    let mut teacher = admit_request(&class, "teacher", T0 + Duration::minutes(1));
    teacher.role = liveclass_domain::class::ParticipantRole::Teacher;
    store.admit(&teacher).await.unwrap();
    for who in ["assistant", "ada", "bob"] {
        admit(&store, &class, who).await;
    }
    let mute = |camera| {
        let store = store.clone();
        let class = class.clone();
        async move {
            match controls(&store)
                .mute_all(
                    &class.tenant_id,
                    class.id,
                    camera,
                    &user("teacher"),
                    T0 + Duration::minutes(3),
                )
                .await
                .unwrap()
            {
                MuteAllOutcome::Muted(states) => states,
                other => panic!("not muted: {other:?}"),
            }
        }
    };
    let muted = mute(false).await;
    let mut names: Vec<String> = muted
        .iter()
        .map(|s| s.participation.user_id.to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["ada", "bob"]);
    assert!(
        muted
            .iter()
            .all(|s| !s.controls.mic_allowed && s.controls.camera_allowed)
    );
    // Again: nobody changes. With the camera: both again, cameras only.
    assert!(mute(false).await.is_empty());
    let cameras = mute(true).await;
    assert_eq!(cameras.len(), 2);
    assert!(cameras.iter().all(|s| !s.controls.camera_allowed));
    assert_eq!(event_data(&store, &class, "participant.updated").len(), 4);
    let (_, states) = controls(&store)
        .participant_states(&class.tenant_id, class.id)
        .await
        .unwrap()
        .unwrap();
    for s in states {
        let spared = ["teacher", "assistant"].contains(&s.participation.user_id.as_str());
        assert_eq!(
            s.controls.mic_allowed, spared,
            "{}",
            s.participation.user_id
        );
    }

    store
        .mark_ended(&class.tenant_id, class.id, T0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        controls(&store)
            .mute_all(&class.tenant_id, class.id, false, &user("teacher"), T0)
            .await
            .unwrap(),
        MuteAllOutcome::NotLive(ClassStatus::Ended)
    );
}

async fn a_rejoin_starts_from_the_default_controls(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    admit(&store, &class, "ada").await;
    let patch = ControlsPatch::new(Some(false), None, None).unwrap();
    done(change(&store, &class, "ada", ControlsChange::Patch(patch), 2).await);
    store
        .release(
            &class.tenant_id,
            class.id,
            &user("ada"),
            T0 + Duration::minutes(3),
        )
        .await
        .unwrap();
    store
        .admit(&admit_request(&class, "ada", T0 + Duration::minutes(4)))
        .await
        .unwrap();
    let again = controls(&store)
        .controls_of(&class.tenant_id, class.id, &user("ada"))
        .await
        .unwrap()
        .unwrap();
    assert!(again.mic_allowed);
}

on_both_backends!(
    co_hosts_are_stored_on_the_class_read_with_it_and_evented,
    co_host_refusals_are_decided_under_the_lock_and_write_nothing,
    a_moderator_sets_a_participants_flags_with_one_event_per_change,
    hands_are_raised_once_lowered_by_anyone_and_listed_in_order,
    controls_change_only_for_an_active_participation_of_a_live_class,
    mute_all_spares_the_host_and_co_hosts_and_mutes_each_other_once,
    a_rejoin_starts_from_the_default_controls,
);
