//! The recordings' repository contract (issue 11): one running recording per
//! class under concurrent starts, conditional status changes with their
//! events in the same transaction, grants replaced as a whole, tenants kept
//! apart — on SQLite and on PostgreSQL (`LIVECLASS_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use diesel::prelude::*;
use liveclass_domain::LiveClass;
use liveclass_domain::class::{ClassRepository, TransitionOutcome};
use liveclass_domain::ids::{IdGenerator, RandomIds};
use liveclass_domain::recording::{
    AccessLevel, FileKind, Grant, ProviderRecordingOutcome, ProviderRecordingReady, Recording,
    RecordingChange, RecordingFile, RecordingId, RecordingRepository, RecordingStatus,
    StartOutcome, Visibility,
};
use liveclass_persistence::schema::class_events;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};
use time::Duration;

use common::*;

fn starting(class: &LiveClass) -> Recording {
    Recording {
        id: RecordingId::from_uuid(RandomIds.new_uuid()),
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        provider: "daily".into(),
        provider_recording_id: None,
        status: RecordingStatus::Starting,
        visibility: Visibility::DEFAULT,
        started_by: Some(user("teacher")),
        started_at: Some(T0),
        stopped_at: None,
        duration_seconds: None,
        failure: None,
        external_url: None,
        grants: Vec::new(),
        files: Vec::new(),
        created_at: T0,
        updated_at: T0,
    }
}

fn event_types(store: &DieselStore, class: &LiveClass) -> Vec<String> {
    let mut conn = store.pool().get().unwrap();
    class_events::table
        .filter(class_events::class_id.eq(class.id.to_string()))
        .filter(class_events::event_type.like("recording.%"))
        .order(class_events::position)
        .select(class_events::event_type)
        .load(&mut *conn)
        .unwrap()
}

async fn start(store: &DieselStore, class: &LiveClass) -> Recording {
    match store.insert_started(&starting(class)).await.unwrap() {
        StartOutcome::Started(r) => *r,
        StartOutcome::AlreadyRunning => panic!("refused"),
    }
}

async fn one_recording_runs_at_a_time_under_concurrent_starts(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    let class = live_class(&store, 10).await;
    let starters: Vec<_> = (0..8)
        .map(|_| {
            let (store, r) = (store.clone(), starting(&class));
            tokio::spawn(async move { store.insert_started(&r).await.unwrap() })
        })
        .collect();
    let mut started = 0;
    for s in starters {
        if let StartOutcome::Started(_) = s.await.unwrap() {
            started += 1;
        }
    }
    assert_eq!(started, 1);
    assert_eq!(
        store
            .list_recordings(&class.tenant_id, class.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(event_types(&store, &class), ["recording.started"]);
}

async fn a_stopped_or_failed_recording_frees_the_class_for_the_next(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    let first = start(&store, &class).await;
    let at = T0 + Duration::seconds(90);
    let RecordingChange::Changed(stopped) = store
        .mark_recording_stopped(&class.tenant_id, first.id, at)
        .await
        .unwrap()
    else {
        panic!("not stopped")
    };
    assert_eq!(stopped.status, RecordingStatus::Processing);
    assert_eq!(
        (stopped.stopped_at, stopped.duration_seconds),
        (Some(at), Some(90))
    );
    // Stopping twice changes nothing.
    assert_eq!(
        store
            .mark_recording_stopped(&class.tenant_id, first.id, at)
            .await
            .unwrap(),
        RecordingChange::StatusWas(RecordingStatus::Processing)
    );
    let second = start(&store, &class).await;
    // Only a starting recording can fail to start.
    let RecordingChange::Changed(failed) = store
        .mark_recording_failed(&class.tenant_id, second.id, "Daily answered 400", at)
        .await
        .unwrap()
    else {
        panic!("not failed")
    };
    assert_eq!(failed.failure.as_deref(), Some("Daily answered 400"));
    assert_eq!(
        store
            .mark_recording_failed(&class.tenant_id, first.id, "x", at)
            .await
            .unwrap(),
        RecordingChange::StatusWas(RecordingStatus::Processing)
    );
    start(&store, &class).await;
    assert_eq!(
        event_types(&store, &class),
        [
            "recording.started",
            "recording.stopped",
            "recording.started",
            "recording.failed",
            "recording.started"
        ]
    );
}

async fn access_replaces_grants_and_deletion_hides_the_recording(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = live_class(&store, 10).await;
    let r = start(&store, &class).await;
    let grants = vec![
        Grant {
            user_id: user("bob"),
            level: AccessLevel::Download,
            expires_at: Some(T0 + Duration::days(1)),
        },
        Grant {
            user_id: user("ann"),
            level: AccessLevel::View,
            expires_at: None,
        },
    ];
    let RecordingChange::Changed(shared) = store
        .set_recording_access(&class.tenant_id, r.id, Visibility::Private, &grants, T0)
        .await
        .unwrap()
    else {
        panic!("not changed")
    };
    assert_eq!(shared.visibility, Visibility::Private);
    let users: Vec<&str> = shared.grants.iter().map(|g| g.user_id.as_str()).collect();
    assert_eq!(users, ["ann", "bob"]);
    assert_eq!(shared.grants[1].expires_at, Some(T0 + Duration::days(1)));
    let RecordingChange::Changed(replaced) = store
        .set_recording_access(&class.tenant_id, r.id, Visibility::Tenant, &grants[..1], T0)
        .await
        .unwrap()
    else {
        panic!("not changed")
    };
    assert_eq!(replaced.grants.len(), 1);
    let listed = store
        .list_recordings(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(listed[0].grants, replaced.grants);

    // Another tenant sees nothing and changes nothing.
    let other = tenant("tenant-b");
    assert_eq!(store.find_recording(&other, r.id).await.unwrap(), None);
    assert_eq!(
        store
            .mark_recording_deleted(&other, r.id, T0)
            .await
            .unwrap(),
        RecordingChange::NotFound
    );
    assert!(
        store
            .list_recordings(&other, class.id)
            .await
            .unwrap()
            .is_empty()
    );

    let RecordingChange::Changed(deleted) = store
        .mark_recording_deleted(&class.tenant_id, r.id, T0)
        .await
        .unwrap()
    else {
        panic!("not deleted")
    };
    assert_eq!(
        (deleted.status, deleted.grants.len()),
        (RecordingStatus::Deleted, 0)
    );
    assert!(
        store
            .list_recordings(&class.tenant_id, class.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .mark_recording_deleted(&class.tenant_id, r.id, T0)
            .await
            .unwrap(),
        RecordingChange::StatusWas(RecordingStatus::Deleted)
    );
    // A deleted recording is no longer running: another may start.
    start(&store, &class).await;
    assert_eq!(
        event_types(&store, &class),
        [
            "recording.started",
            "recording.deleted",
            "recording.started"
        ]
    );
}

/// A live class in a Daily room.
async fn daily_class(store: &DieselStore) -> LiveClass {
    let mut class = new_class("tenant-a", 10, T0);
    class.room.provider = "daily".into();
    store.insert(&class).await.unwrap();
    match store
        .mark_started(&class.tenant_id, class.id, T0)
        .await
        .unwrap()
    {
        TransitionOutcome::Changed(c) => *c,
        other => panic!("{other:?}"),
    }
}

fn ready(provider_id: &str, minutes: i64) -> ProviderRecordingReady {
    ProviderRecordingReady {
        provider_recording_id: provider_id.into(),
        new_id: RecordingId::from_uuid(RandomIds.new_uuid()),
        started_at: Some(T0),
        duration_seconds: Some(600),
        files: vec![
            RecordingFile {
                provider_file_id: format!("{provider_id}-video"),
                kind: FileKind::Video,
                recording_type: Some("shared_screen_with_speaker_view".into()),
                format: Some("mp4".into()),
                size_bytes: Some(282_825),
                started_at: Some(T0),
                ended_at: Some(T0 + Duration::minutes(10)),
            },
            RecordingFile {
                provider_file_id: format!("{provider_id}-audio"),
                kind: FileKind::Audio,
                recording_type: Some("audio_only".into()),
                format: Some("m4a".into()),
                size_bytes: None,
                started_at: None,
                ended_at: None,
            },
        ],
        at: T0 + Duration::minutes(minutes),
    }
}

async fn provider_reports_make_recordings_ready_once_or_failed(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let class = daily_class(&store).await;
    // A start through LiveClass: the provider names it in its report.
    let ours = start(&store, &class).await;
    let outcome = store
        .provider_recording_ready(&class, &ready("rec-1", 20))
        .await
        .unwrap();
    let ProviderRecordingOutcome::Changed(r) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(r.id, ours.id);
    assert_eq!(r.status, RecordingStatus::Ready);
    assert_eq!(r.provider_recording_id.as_deref(), Some("rec-1"));
    assert_eq!(r.duration_seconds, Some(600));
    assert_eq!(r.stopped_at, Some(T0 + Duration::minutes(10)));
    // Its files, read back with it (in the list too).
    let found = store
        .find_recording(&class.tenant_id, ours.id)
        .await
        .unwrap()
        .unwrap();
    let mut reported = ready("rec-1", 20).files;
    reported.sort_by(|a, b| a.provider_file_id.cmp(&b.provider_file_id));
    assert_eq!(found.files, reported, "in file-id order");
    let listed = store
        .list_recordings(&class.tenant_id, class.id)
        .await
        .unwrap();
    assert_eq!(listed[0].files.len(), 2);
    // Reported again (a replay, or another event type): ready once.
    assert!(matches!(
        store.provider_recording_ready(&class, &ready("rec-1", 25)).await.unwrap(),
        ProviderRecordingOutcome::Unchanged(r) if r.status == RecordingStatus::Ready
    ));
    // One the provider's own app started: stored as reported.
    let theirs = store
        .provider_recording_ready(&class, &ready("rec-2", 30))
        .await
        .unwrap();
    let ProviderRecordingOutcome::Changed(theirs) = theirs else {
        panic!("{theirs:?}")
    };
    assert_eq!(
        (theirs.started_by.clone(), theirs.status),
        (None, RecordingStatus::Ready)
    );
    assert_eq!(
        store
            .list_recordings(&class.tenant_id, class.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // A failure report ends the running one with its reason; with nothing
    // running it finds nothing.
    let running = start(&store, &class).await;
    let failed = store
        .provider_recording_failed(&class, None, "disk full".into(), T0 + Duration::minutes(40))
        .await
        .unwrap();
    let ProviderRecordingOutcome::Changed(failed) = failed else {
        panic!("{failed:?}")
    };
    assert_eq!(failed.id, running.id);
    assert_eq!(failed.failure.as_deref(), Some("disk full"));
    assert_eq!(
        store
            .provider_recording_failed(&class, None, "again".into(), T0 + Duration::minutes(41))
            .await
            .unwrap(),
        ProviderRecordingOutcome::NoRecording
    );
    // Another tenant's class with the same provider id finds nothing of these.
    let mut other = class.clone();
    other.tenant_id = tenant("tenant-b");
    assert!(matches!(
        store
            .provider_recording_failed(&other, Some("rec-1".into()), "x".into(), T0)
            .await
            .unwrap(),
        ProviderRecordingOutcome::NoRecording
    ));
    assert_eq!(
        event_types(&store, &class),
        [
            "recording.started",
            "recording.ready",
            "recording.ready",
            "recording.started",
            "recording.failed"
        ]
    );
}

on_both_backends!(
    provider_reports_make_recordings_ready_once_or_failed,
    one_recording_runs_at_a_time_under_concurrent_starts,
    a_stopped_or_failed_recording_frees_the_class_for_the_next,
    access_replaces_grants_and_deletion_hides_the_recording,
);
