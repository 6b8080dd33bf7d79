#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::admission::MockAdmissionRepository;
use crate::caller::Role;
use crate::class::ParticipantRole;
use crate::class::ports::{MockClassRepository, MockParticipationRepository};
use crate::class::{Capacity, Title};
use crate::clock::FixedClock;
use crate::ids::ParticipationId;
use crate::ids::{RoomId, SequentialIds, TenantId};
use crate::join_link::JoinHash;
use crate::video::{Capabilities, MockVideoProvider, Room, VideoError};

const NOW: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn class(status: ClassStatus, admission: AdmissionPolicy) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
        tenant_id: TenantId::parse("acme").unwrap(),
        created_by: UserId::parse("teacher").unwrap(),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(2)),
        room: Room {
            provider: "jitsi".into(),
            external_id: "r".into(),
            join_url: "https://meet.example/r".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: NOW,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::from_uuids(uuid::Uuid::from_u128(3), uuid::Uuid::from_u128(4)),
        ical_sequence: 0,
        admission,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn caller(user: &str, roles: Vec<Role>) -> Caller {
    Caller {
        user_id: UserId::parse(user).unwrap(),
        tenant_id: TenantId::parse("acme").unwrap(),
        roles,
        name: None,
    }
}

fn student(user: &str) -> Caller {
    caller(user, vec![Role::Other("student".into())])
}

fn service(found: Option<LiveClass>, repo: MockAdmissionRepository) -> AdmissionService {
    with_removed(found, repo, false)
}

fn with_removed(
    found: Option<LiveClass>,
    repo: MockAdmissionRepository,
    removed: bool,
) -> AdmissionService {
    // No provider call is expected: a mock without expectations panics.
    with_video(found, repo, removed, MockVideoProvider::new())
}

fn with_video(
    found: Option<LiveClass>,
    repo: MockAdmissionRepository,
    removed: bool,
    video: MockVideoProvider,
) -> AdmissionService {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(found.clone()));
    let mut participations = MockParticipationRepository::new();
    participations
        .expect_is_removed()
        .returning(move |_, _, _| Ok(removed));
    AdmissionService::new(
        Arc::new(classes),
        Arc::new(participations),
        Arc::new(repo),
        Arc::new(video),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
    )
}

fn id() -> ClassId {
    ClassId::from_uuid(uuid::Uuid::from_u128(1))
}

#[tokio::test]
async fn only_approval_classes_take_requests_and_never_from_their_creator() {
    // No repository call is expected: a mock without expectations panics.
    let open = service(
        Some(class(ClassStatus::Scheduled, AdmissionPolicy::Open)),
        MockAdmissionRepository::new(),
    );
    assert!(matches!(
        open.request_to_join(&student("s1"), id()).await,
        Err(RequestToJoinError::ApprovalNotRequired)
    ));
    let approval = service(
        Some(class(ClassStatus::Live, AdmissionPolicy::Approval)),
        MockAdmissionRepository::new(),
    );
    assert!(matches!(
        approval.request_to_join(&student("teacher"), id()).await,
        Err(RequestToJoinError::ApprovalNotRequired)
    ));
    let over = service(
        Some(class(ClassStatus::Ended, AdmissionPolicy::Approval)),
        MockAdmissionRepository::new(),
    );
    assert!(matches!(
        over.request_to_join(&student("s1"), id()).await,
        Err(RequestToJoinError::ClassOver(ClassStatus::Ended))
    ));
    let missing = service(None, MockAdmissionRepository::new());
    assert!(matches!(
        missing.request_to_join(&student("s1"), id()).await,
        Err(RequestToJoinError::NotFound)
    ));
}

#[tokio::test]
async fn a_removed_user_cannot_ask_again() {
    let s = with_removed(
        Some(class(ClassStatus::Live, AdmissionPolicy::Approval)),
        MockAdmissionRepository::new(),
        true,
    );
    assert!(matches!(
        s.request_to_join(&student("s1"), id()).await,
        Err(RequestToJoinError::Removed)
    ));
}

#[tokio::test]
async fn asking_stores_a_pending_request_stamped_now() {
    let mut repo = MockAdmissionRepository::new();
    repo.expect_request_to_join()
        .withf(|r| {
            r.status == RequestStatus::Pending
                && r.requested_at == NOW
                && r.user_id.as_str() == "s1"
        })
        .returning(|r| Ok(RequestOutcome::Created(r.clone())));
    let s = service(
        Some(class(ClassStatus::Scheduled, AdmissionPolicy::Approval)),
        repo,
    );
    let (request, created) = s.request_to_join(&student("s1"), id()).await.unwrap();
    assert!(created);
    assert_eq!(request.status, RequestStatus::Pending);
}

#[tokio::test]
async fn students_neither_see_nor_decide_requests_nor_remove_nor_see_the_line() {
    let s = service(
        Some(class(ClassStatus::Live, AdmissionPolicy::Approval)),
        MockAdmissionRepository::new(),
    );
    let who = student("s1");
    assert!(matches!(
        s.list_requests(&who, id(), None).await,
        Err(ReadRequestsError::Forbidden)
    ));
    assert!(matches!(
        s.decide(&who, id(), vec![], Decision::Approve).await,
        Err(DecideRequestError::Forbidden)
    ));
    assert!(matches!(
        s.remove(&who, id(), &UserId::parse("s2").unwrap()).await,
        Err(RemoveParticipantError::Forbidden)
    ));
    assert!(matches!(
        s.waitlist(&who, id()).await,
        Err(ReadWaitlistError::Forbidden)
    ));
}

#[tokio::test]
async fn the_host_cannot_be_removed_and_an_ended_class_removes_nobody() {
    let teacher = student("teacher");
    let live = service(
        Some(class(ClassStatus::Live, AdmissionPolicy::Open)),
        MockAdmissionRepository::new(),
    );
    assert!(matches!(
        live.remove(&teacher, id(), &UserId::parse("teacher").unwrap())
            .await,
        Err(RemoveParticipantError::CannotRemoveHost)
    ));
    let ended = service(
        Some(class(ClassStatus::Ended, AdmissionPolicy::Open)),
        MockAdmissionRepository::new(),
    );
    assert!(matches!(
        ended
            .remove(&teacher, id(), &UserId::parse("s1").unwrap())
            .await,
        Err(RemoveParticipantError::ClassOver(ClassStatus::Ended))
    ));
}

#[tokio::test]
async fn one_unknown_request_in_a_bulk_decision_never_fails_the_others() {
    let known = RequestId::from_uuid(uuid::Uuid::from_u128(7));
    let unknown = RequestId::from_uuid(uuid::Uuid::from_u128(8));
    let mut repo = MockAdmissionRepository::new();
    repo.expect_decide()
        .returning(move |tenant, class_id, request, decision, by, at| {
            if request != known {
                return Ok(DecideOutcome::NotFound);
            }
            Ok(DecideOutcome::Decided {
                request: JoinRequest {
                    id: request,
                    tenant_id: tenant.clone(),
                    class_id,
                    user_id: UserId::parse("s1").unwrap(),
                    user_name: None,
                    status: decision.status(),
                    requested_at: at,
                    decided_at: Some(at),
                    decided_by: Some(by.clone()),
                },
                removed: None,
            })
        });
    let s = service(
        Some(class(ClassStatus::Live, AdmissionPolicy::Approval)),
        repo,
    );
    let results = s
        .decide(
            &student("teacher"),
            id(),
            vec![known, unknown],
            Decision::Approve,
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0].1.as_ref().unwrap().0.status,
        RequestStatus::Approved
    );
    assert!(matches!(
        results[1].1,
        Err(DecideRequestError::RequestNotFound)
    ));
}

#[tokio::test]
async fn another_tenants_class_is_not_found_for_every_operation() {
    let s = service(None, MockAdmissionRepository::new());
    let who = caller("admin", vec![Role::OrgAdmin]);
    assert!(matches!(
        s.list_requests(&who, id(), None).await,
        Err(ReadRequestsError::NotFound)
    ));
    assert!(matches!(
        s.my_request(&who, id()).await,
        Err(ReadRequestsError::NotFound)
    ));
    assert!(matches!(
        s.waitlist(&who, id()).await,
        Err(ReadWaitlistError::NotFound)
    ));
    assert!(matches!(
        s.my_waitlist_entry(&who, id()).await,
        Err(ReadWaitlistError::NotFound)
    ));
    assert!(matches!(
        s.leave_waitlist(&who, id()).await,
        Err(LeaveWaitlistError::NotFound)
    ));
    assert!(matches!(
        s.remove(&who, id(), &UserId::parse("s1").unwrap()).await,
        Err(RemoveParticipantError::NotFound)
    ));
}

// --- Removal and the provider's eject ---------------------------------------

/// A live open class whose room Daily made.
fn daily_class(status: ClassStatus) -> LiveClass {
    let mut c = class(status, AdmissionPolicy::Open);
    c.room.provider = "daily".into();
    c
}

/// A repository whose removal bans `s1`, ending their stay when `present`;
/// exactly once: the removal is stored before the provider is asked.
fn removing(present: bool) -> MockAdmissionRepository {
    let mut repo = MockAdmissionRepository::new();
    repo.expect_remove()
        .times(1)
        .withf(|_, _, user, by, _| user.as_str() == "s1" && by.as_str() == "teacher")
        .returning(move |tenant, class_id, user, _, at| {
            Ok(RemoveOutcome::Removed {
                ended: present.then(|| Participation {
                    id: ParticipationId::from_uuid(uuid::Uuid::from_u128(9)),
                    class_id,
                    tenant_id: tenant.clone(),
                    user_id: user.clone(),
                    user_name: None,
                    role: ParticipantRole::Participant,
                    joined_at: at,
                    left_at: Some(at),
                }),
            })
        });
    repo
}

/// A provider named `name` with the eject capability `can`.
fn provider(name: &'static str, can: bool) -> MockVideoProvider {
    let mut video = MockVideoProvider::new();
    video.expect_name().return_const(name);
    video.expect_capabilities().return_const(Capabilities {
        eject: can,
        ..Capabilities::default()
    });
    video
}

async fn remove_s1(s: &AdmissionService) -> Removal {
    s.remove(&student("teacher"), id(), &UserId::parse("s1").unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_removed_user_in_a_live_class_is_ejected_from_the_providers_meeting() {
    let mut video = provider("daily", true);
    video
        .expect_eject()
        .times(1)
        .withf(|room, user| {
            room.provider == "daily" && room.external_id == "r" && user.as_str() == "s1"
        })
        .returning(|_, _| Ok(()));
    let s = with_video(
        Some(daily_class(ClassStatus::Live)),
        removing(true),
        false,
        video,
    );
    let removal = remove_s1(&s).await;
    assert_eq!(removal.provider_eject, ProviderEject::Ejected);
    assert_eq!(removal.ended.unwrap().user_id.as_str(), "s1");
}

#[tokio::test]
async fn a_provider_failure_to_eject_is_reported_and_the_removal_stands() {
    for error in [
        VideoError::Unavailable("down".into()),
        VideoError::RateLimited { retry_after: None },
        VideoError::Unauthorized,
    ] {
        let mut video = provider("daily", true);
        let mut error = Some(error);
        video
            .expect_eject()
            .times(1)
            .returning(move |_, _| Err(error.take().unwrap()));
        let s = with_video(
            Some(daily_class(ClassStatus::Live)),
            removing(true),
            false,
            video,
        );
        let removal = remove_s1(&s).await;
        assert_eq!(removal.provider_eject, ProviderEject::Failed);
        assert!(removal.ended.is_some());
    }
}

#[tokio::test]
async fn a_provider_without_eject_is_not_asked_and_says_so() {
    // Jitsi and Zoom: no capability, no call.
    let s = with_video(
        Some(daily_class(ClassStatus::Live)),
        removing(true),
        false,
        provider("daily", false),
    );
    assert_eq!(
        remove_s1(&s).await.provider_eject,
        ProviderEject::NotSupported
    );
    // A room another provider made cannot be reached through this one.
    let mut jitsi_room = daily_class(ClassStatus::Live);
    jitsi_room.room.provider = "jitsi".into();
    let s = with_video(
        Some(jitsi_room),
        removing(true),
        false,
        provider("daily", true),
    );
    assert_eq!(
        remove_s1(&s).await.provider_eject,
        ProviderEject::NotSupported
    );
    // An adapter answering `Unsupported` despite its capabilities.
    let mut video = provider("daily", true);
    video
        .expect_eject()
        .times(1)
        .returning(|_, _| Err(VideoError::Unsupported));
    let s = with_video(
        Some(daily_class(ClassStatus::Live)),
        removing(true),
        false,
        video,
    );
    assert_eq!(
        remove_s1(&s).await.provider_eject,
        ProviderEject::NotSupported
    );
}

#[tokio::test]
async fn nobody_is_ejected_when_the_user_was_absent_or_the_class_not_live() {
    // The provider mocks have no `eject` expectation: a call would panic.
    let absent = with_video(
        Some(daily_class(ClassStatus::Live)),
        removing(false),
        false,
        provider("daily", true),
    );
    let removal = remove_s1(&absent).await;
    assert_eq!(removal.provider_eject, ProviderEject::NotNeeded);
    assert!(removal.ended.is_none());
    let scheduled = with_video(
        Some(daily_class(ClassStatus::Scheduled)),
        removing(false),
        false,
        provider("daily", true),
    );
    assert_eq!(
        remove_s1(&scheduled).await.provider_eject,
        ProviderEject::NotNeeded
    );
    // The room is gone at the provider: nobody is in its meeting.
    let mut video = provider("daily", true);
    video
        .expect_eject()
        .times(1)
        .returning(|_, _| Err(VideoError::NotFound));
    let gone = with_video(
        Some(daily_class(ClassStatus::Live)),
        removing(true),
        false,
        video,
    );
    assert_eq!(
        remove_s1(&gone).await.provider_eject,
        ProviderEject::NotNeeded
    );
}

#[tokio::test]
async fn a_withdrawn_approval_ejects_the_user_it_took_out_of_the_class() {
    let mut repo = MockAdmissionRepository::new();
    repo.expect_decide()
        .times(1)
        .returning(|tenant, class_id, request, decision, by, at| {
            Ok(DecideOutcome::Decided {
                request: JoinRequest {
                    id: request,
                    tenant_id: tenant.clone(),
                    class_id,
                    user_id: UserId::parse("s1").unwrap(),
                    user_name: None,
                    status: decision.status(),
                    requested_at: at,
                    decided_at: Some(at),
                    decided_by: Some(by.clone()),
                },
                removed: Some(Participation {
                    id: ParticipationId::from_uuid(uuid::Uuid::from_u128(9)),
                    class_id,
                    tenant_id: tenant.clone(),
                    user_id: UserId::parse("s1").unwrap(),
                    user_name: None,
                    role: ParticipantRole::Participant,
                    joined_at: at,
                    left_at: Some(at),
                }),
            })
        });
    let mut video = provider("daily", true);
    video
        .expect_eject()
        .times(1)
        .withf(|_, user| user.as_str() == "s1")
        .returning(|_, _| Err(VideoError::Unavailable("down".into())));
    let mut class = daily_class(ClassStatus::Live);
    class.admission = AdmissionPolicy::Approval;
    let s = with_video(Some(class), repo, false, video);
    let results = s
        .decide(
            &student("teacher"),
            id(),
            vec![RequestId::from_uuid(uuid::Uuid::from_u128(7))],
            Decision::Reject,
        )
        .await
        .unwrap();
    // A provider failure does not undo the withdrawal.
    let (request, removed) = results[0].1.as_ref().unwrap();
    assert_eq!(request.status, RequestStatus::Rejected);
    assert_eq!(removed.as_ref().unwrap().user_id.as_str(), "s1");
}
