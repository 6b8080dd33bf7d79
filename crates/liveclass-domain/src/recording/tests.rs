use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;

use super::model::{AccessContext, access};
use super::ports::MockRecordingRepository;
use super::service::SetAccess;
use super::*;
use crate::caller::{Caller, Role};
use crate::class::ports::{MockClassRepository, MockParticipationRepository};
use crate::class::{Capacity, ClassStatus, LiveClass, Title, TransitionOutcome};
use crate::clock::FixedClock;
use crate::ids::{ClassId, RoomId, SequentialIds, TenantId, UserId};
use crate::validation::Field;
use crate::video::{Capabilities, MockVideoProvider, Room, VideoError};

const NOW: OffsetDateTime = datetime!(2030-03-01 14:00 UTC);

fn caller(user: &str, roles: &[Role]) -> Caller {
    Caller {
        user_id: UserId::parse(user).unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: roles.to_vec(),
        name: None,
    }
}

fn teacher() -> Caller {
    caller("teacher-1", &[Role::TrainingManager])
}

fn student() -> Caller {
    caller("student-1", &[])
}

fn class(status: ClassStatus) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(100)),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        created_by: UserId::parse("teacher-1").unwrap(),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(101)),
        room: Room {
            provider: "daily".into(),
            external_id: "room-x".into(),
            join_url: "https://x.daily.co/room-x".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: NOW,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: crate::join_link::JoinHash::from_uuids(
            uuid::Uuid::from_u128(90),
            uuid::Uuid::from_u128(91),
        ),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(2),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn recording(status: RecordingStatus, visibility: Visibility) -> Recording {
    Recording {
        id: RecordingId::from_uuid(uuid::Uuid::from_u128(500)),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        class_id: class(ClassStatus::Live).id,
        provider: "daily".into(),
        provider_recording_id: None,
        status,
        visibility,
        started_by: Some(UserId::parse("teacher-1").unwrap()),
        started_at: Some(NOW),
        stopped_at: None,
        duration_seconds: None,
        failure: None,
        external_url: None,
        grants: Vec::new(),
        files: Vec::new(),
        created_at: NOW,
        updated_at: NOW,
    }
}

fn ctx<'a>(caller: &'a Caller, creator: &'a UserId, participated: bool) -> AccessContext<'a> {
    AccessContext {
        caller,
        class_creator: creator,
        participated,
        now: NOW,
    }
}

#[test]
fn visibility_decides_who_watches_and_only_grants_let_others_download() {
    let creator = UserId::parse("teacher-1").unwrap();
    let s = student();
    let admin = caller("admin-1", &[Role::OrgAdmin]);
    for v in Visibility::ALL {
        let r = recording(RecordingStatus::Ready, *v);
        let a = access(&r, ctx(&teacher(), &creator, false));
        assert!(
            a.can_access && a.can_download && a.can_manage,
            "creator, {v}"
        );
        let a = access(&r, ctx(&admin, &creator, false));
        assert!(a.can_manage, "org admin, {v}");
    }
    let expect = [
        (Visibility::Private, false, false),
        (Visibility::Participants, false, true),
        (Visibility::Tenant, true, true),
        (Visibility::Public, true, true),
    ];
    for (v, outsider, participant) in expect {
        let r = recording(RecordingStatus::Ready, v);
        let a = access(&r, ctx(&s, &creator, false));
        assert_eq!(
            (a.can_access, a.can_download, a.can_manage),
            (outsider, false, false),
            "{v}"
        );
        let a = access(&r, ctx(&s, &creator, true));
        assert_eq!((a.can_access, a.can_download), (participant, false), "{v}");
    }
}

#[test]
fn grants_count_until_they_expire_and_deleted_recordings_are_closed_to_all() {
    let creator = UserId::parse("teacher-1").unwrap();
    let s = student();
    let mut r = recording(RecordingStatus::Ready, Visibility::Private);
    r.grants = vec![Grant {
        user_id: s.user_id.clone(),
        level: AccessLevel::Download,
        expires_at: Some(NOW + time::Duration::minutes(1)),
    }];
    let a = access(&r, ctx(&s, &creator, false));
    assert!(a.can_access && a.can_download && !a.can_manage);
    r.grants[0].expires_at = Some(NOW);
    assert_eq!(access(&r, ctx(&s, &creator, false)), Access::default());
    r.grants[0].level = AccessLevel::View;
    r.grants[0].expires_at = None;
    let a = access(&r, ctx(&s, &creator, false));
    assert!(a.can_access && !a.can_download);
    r.status = RecordingStatus::Deleted;
    assert_eq!(
        access(&r, ctx(&teacher(), &creator, false)),
        Access::default()
    );
}

struct Mocks {
    recordings: MockRecordingRepository,
    classes: MockClassRepository,
    participations: MockParticipationRepository,
    video: MockVideoProvider,
}

impl Mocks {
    fn new() -> Self {
        let mut video = MockVideoProvider::new();
        video.expect_name().return_const("daily");
        video.expect_capabilities().return_const(Capabilities {
            recording: true,
            ..Capabilities::default()
        });
        Self {
            recordings: MockRecordingRepository::new(),
            classes: MockClassRepository::new(),
            participations: MockParticipationRepository::new(),
            video,
        }
    }

    fn with_class(mut self, status: ClassStatus) -> Self {
        self.classes
            .expect_find()
            .returning(move |_, _| Ok(Some(class(status))));
        self
    }

    fn service(self) -> RecordingService {
        RecordingService::new(
            Arc::new(self.recordings),
            Arc::new(self.classes),
            Arc::new(self.participations),
            Arc::new(self.video),
            Arc::new(FixedClock::at(NOW)),
            Arc::new(SequentialIds::default()),
        )
    }
}

#[tokio::test]
async fn recording_a_scheduled_class_starts_the_class_then_the_recording() {
    let mut m = Mocks::new().with_class(ClassStatus::Scheduled);
    m.classes
        .expect_mark_started()
        .times(1)
        .returning(|_, _, _| {
            Ok(TransitionOutcome::Changed(Box::new(class(
                ClassStatus::Live,
            ))))
        });
    m.recordings
        .expect_insert_started()
        .times(1)
        .returning(|r| Ok(StartOutcome::Started(Box::new(r.clone()))));
    m.video
        .expect_start_recording()
        .times(1)
        .returning(|_| Ok(()));
    let r = m
        .service()
        .start(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert_eq!(r.status, RecordingStatus::Starting);
    assert_eq!(r.visibility, Visibility::Participants);
    assert_eq!(r.started_by.as_ref().map(UserId::as_str), Some("teacher-1"));
}

#[tokio::test]
async fn only_the_creator_records_and_never_an_ended_class() {
    let m = Mocks::new().with_class(ClassStatus::Live);
    let err = m
        .service()
        .start(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, RecordingError::NotCreator), "{err:?}");
    for status in [ClassStatus::Ended, ClassStatus::Cancelled] {
        let m = Mocks::new().with_class(status);
        let err = m
            .service()
            .start(&teacher(), class(status).id)
            .await
            .unwrap_err();
        assert!(
            matches!(err, RecordingError::ClassFinished(s) if s == status),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn a_provider_that_cannot_record_is_refused_before_anything_is_written() {
    let mut m = Mocks::new().with_class(ClassStatus::Live);
    m.video = MockVideoProvider::new();
    m.video.expect_name().return_const("jitsi");
    m.video
        .expect_capabilities()
        .return_const(Capabilities::default());
    let err = m
        .service()
        .start(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, RecordingError::NotSupported(_)), "{err:?}");
}

#[tokio::test]
async fn a_provider_refusing_the_start_leaves_a_failed_recording_and_a_free_slot() {
    let mut m = Mocks::new().with_class(ClassStatus::Live);
    m.recordings
        .expect_insert_started()
        .returning(|r| Ok(StartOutcome::Started(Box::new(r.clone()))));
    m.video
        .expect_start_recording()
        .returning(|_| Err(VideoError::Invalid("no enable_recording".into())));
    m.recordings
        .expect_mark_recording_failed()
        .times(1)
        .returning(|_, _, _, _| {
            Ok(RecordingChange::Changed(Box::new(recording(
                RecordingStatus::Failed,
                Visibility::Participants,
            ))))
        });
    let err = m
        .service()
        .start(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, RecordingError::Video(_)), "{err:?}");
}

#[tokio::test]
async fn stopping_a_recording_never_ends_its_class() {
    let mut m = Mocks::new().with_class(ClassStatus::Live);
    m.recordings.expect_find_recording().returning(|_, _| {
        Ok(Some(recording(
            RecordingStatus::Recording,
            Visibility::Participants,
        )))
    });
    m.video
        .expect_stop_recording()
        .times(1)
        .returning(|_| Ok(()));
    m.recordings
        .expect_mark_recording_stopped()
        .times(1)
        .returning(|_, _, _| {
            Ok(RecordingChange::Changed(Box::new(recording(
                RecordingStatus::Processing,
                Visibility::Participants,
            ))))
        });
    // No mark_ended expectation: a call would panic the mock.
    let r = m
        .service()
        .stop(
            &teacher(),
            class(ClassStatus::Live).id,
            RecordingId::from_uuid(uuid::Uuid::from_u128(500)),
        )
        .await
        .unwrap();
    assert_eq!(r.status, RecordingStatus::Processing);
}

#[tokio::test]
async fn grants_are_one_per_user_and_expire_in_the_future() {
    let user = UserId::parse("u-1").unwrap();
    for (grants, field) in [
        (
            vec![
                Grant {
                    user_id: user.clone(),
                    level: AccessLevel::View,
                    expires_at: None,
                },
                Grant {
                    user_id: user.clone(),
                    level: AccessLevel::Download,
                    expires_at: None,
                },
            ],
            Field::Grants,
        ),
        (
            vec![Grant {
                user_id: user.clone(),
                level: AccessLevel::View,
                expires_at: Some(NOW),
            }],
            Field::ExpiresAt,
        ),
    ] {
        let mut m = Mocks::new().with_class(ClassStatus::Ended);
        m.recordings
            .expect_find_recording()
            .returning(|_, _| Ok(Some(recording(RecordingStatus::Ready, Visibility::Private))));
        let err = m
            .service()
            .set_access(
                &teacher(),
                RecordingId::from_uuid(uuid::Uuid::from_u128(500)),
                SetAccess {
                    visibility: Visibility::Tenant,
                    grants,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, RecordingError::Invalid(e) if e.field == field),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn the_seed_000_url_is_listed_as_an_external_recording_that_cannot_be_deleted() {
    let mut with_url = class(ClassStatus::Ended);
    with_url.recording_url =
        Some(crate::class::RecordingUrl::parse("https://cdn.example/r.mp4").unwrap());
    let mut m = Mocks::new();
    let c = with_url.clone();
    m.classes
        .expect_find()
        .returning(move |_, _| Ok(Some(c.clone())));
    m.recordings
        .expect_list_recordings()
        .returning(|_, _| Ok(Vec::new()));
    m.recordings
        .expect_find_recording()
        .returning(|_, _| Ok(None));
    let service = m.service();
    let list = service.list(&student(), with_url.id).await.unwrap();
    assert_eq!(list.len(), 1);
    let (r, a) = &list[0];
    assert_eq!(
        (r.provider.as_str(), r.status),
        ("external", RecordingStatus::Ready)
    );
    assert_eq!(r.id.as_uuid(), with_url.id.as_uuid());
    assert!(a.can_access && !a.can_download);
    let err = service.delete(&teacher(), r.id).await.unwrap_err();
    assert!(matches!(err, RecordingError::External), "{err:?}");
}

#[tokio::test]
async fn a_link_opens_a_fresh_provider_link_for_those_with_access_only() {
    let mut ready = recording(RecordingStatus::Ready, Visibility::Private);
    ready.provider_recording_id = Some("rec-1".into());
    ready.grants = vec![Grant {
        user_id: student().user_id,
        level: AccessLevel::View,
        expires_at: None,
    }];
    let mut m = Mocks::new().with_class(ClassStatus::Ended);
    m.video = MockVideoProvider::new();
    m.video.expect_name().return_const("daily");
    m.video.expect_capabilities().return_const(Capabilities {
        recording: true,
        recording_link: true,
        ..Capabilities::default()
    });
    let r = ready.clone();
    m.recordings
        .expect_find_recording()
        .returning(move |_, _| Ok(Some(r.clone())));
    m.video
        .expect_recording_link()
        .withf(|_, id| id == "rec-1")
        .times(1)
        .returning(|_, _| {
            Ok(crate::video::RecordingLink {
                url: "https://s3.example/rec-1?sig=x".into(),
                expires_at: None,
            })
        });
    let service = m.service();
    let link = service.open(&student(), ready.id, false).await.unwrap();
    assert_eq!(link.url, "https://s3.example/rec-1?sig=x");
    // A view grant does not download; nobody else opens it at all.
    let err = service.open(&student(), ready.id, true).await.unwrap_err();
    assert!(matches!(err, RecordingError::Forbidden), "{err:?}");
    let err = service
        .open(&caller("student-9", &[]), ready.id, false)
        .await
        .unwrap_err();
    assert!(matches!(err, RecordingError::Forbidden), "{err:?}");
}

#[tokio::test]
async fn a_recording_without_its_provider_id_or_not_ready_has_no_link() {
    for (status, id) in [
        (RecordingStatus::Processing, Some("rec-1")),
        (RecordingStatus::Ready, None),
    ] {
        let mut r = recording(status, Visibility::Tenant);
        r.provider_recording_id = id.map(str::to_owned);
        let mut m = Mocks::new().with_class(ClassStatus::Ended);
        m.recordings
            .expect_find_recording()
            .returning(move |_, _| Ok(Some(r.clone())));
        let err = m
            .service()
            .open(
                &teacher(),
                RecordingId::from_uuid(uuid::Uuid::from_u128(500)),
                true,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, RecordingError::NotReady), "{err:?}");
    }
}
