//! Fixtures shared by the contract tests of `DieselStore`.

#![allow(dead_code, clippy::unwrap_used)]

use liveclass_domain::class::{
    AdmitRequest, Capacity, ClassCounts, ClassFilter, ClassRepository, ClassStatus, LiveClass,
    PageRequest, ParticipantRole, Title, TransitionOutcome,
};
use liveclass_domain::ids::{IdGenerator, ParticipationId, RandomIds, TenantId, UserId};
use liveclass_domain::video::Room;
use liveclass_persistence::DieselStore;
use time::OffsetDateTime;
use time::macros::datetime;

pub const T0: OffsetDateTime = datetime!(2030-03-01 14:00 UTC);

pub fn tenant(name: &str) -> TenantId {
    TenantId::parse(name).unwrap()
}

pub fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

pub fn new_class(tenant_name: &str, capacity: u32, scheduled_at: OffsetDateTime) -> LiveClass {
    let room_id = RandomIds.room_id();
    LiveClass {
        id: RandomIds.class_id(),
        tenant_id: tenant(tenant_name),
        created_by: user("teacher"),
        title: Title::parse("Rust ownership").unwrap(),
        description: Some(
            liveclass_domain::class::Description::parse("Borrowing, lifetimes").unwrap(),
        ),
        room: Room {
            provider: "jitsi".into(),
            external_id: room_id.as_str().into(),
            join_url: format!("https://meet.jit.si/{room_id}"),
            host_url: Some("https://host.example/x".into()),
            password: None,
        },
        room_id,
        status: ClassStatus::Scheduled,
        scheduled_at,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: RandomIds.join_hash(),
        ical_sequence: 0,
        admission: liveclass_domain::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(capacity),
        recording_url: None,
        created_at: T0,
        updated_at: T0,
    }
}

pub fn admit_request(class: &LiveClass, who: &str, at: OffsetDateTime) -> AdmitRequest {
    AdmitRequest {
        tenant_id: class.tenant_id.clone(),
        class_id: class.id,
        user_id: user(who),
        user_name: Some(format!("{who} name")),
        role: ParticipantRole::Participant,
        participation_id: ParticipationId::from_uuid(RandomIds.new_uuid()),
        at,
        wait: false,
    }
}

pub async fn live_class(store: &DieselStore, capacity: u32) -> LiveClass {
    let class = new_class("tenant-a", capacity, T0);
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

/// The counts the list reports for `class`.
pub async fn counts_of(store: &DieselStore, class: &LiveClass) -> ClassCounts {
    let page = store
        .list(
            &class.tenant_id,
            &ClassFilter::default(),
            PageRequest::new(Some(100), None).unwrap(),
        )
        .await
        .unwrap();
    page.classes
        .into_iter()
        .find(|(c, _)| c.id == class.id)
        .map(|(_, counts)| counts)
        .unwrap()
}
