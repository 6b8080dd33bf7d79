use std::sync::Arc;

use mockall::predicate::eq;
use time::macros::datetime;

use super::*;
use crate::caller::Role;
use crate::class::ClassCounts;
use crate::class::ports::{MockClassRepository, MockParticipationRepository};
use crate::clock::FixedClock;
use crate::ids::{ParticipationId, RoomId, SequentialIds, TenantId, UserId};
use crate::store::RepoError;
use crate::validation::Field;
use crate::video::{MockVideoProvider, Room, VideoError};

const NOW: OffsetDateTime = datetime!(2030-03-01 14:00 UTC);

fn caller(user: &str, roles: &[Role]) -> Caller {
    Caller {
        user_id: UserId::parse(user).unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: roles.to_vec(),
        name: Some(format!("{user} name")),
    }
}

fn teacher() -> Caller {
    caller("teacher-1", &[Role::TrainingManager])
}

fn student() -> Caller {
    caller("student-1", &[Role::Other("student".into())])
}

fn room() -> Room {
    Room {
        provider: "jitsi".into(),
        external_id: "room-x".into(),
        join_url: "https://meet.example/room-x".into(),
        host_url: None,
        password: None,
    }
}

fn class(status: ClassStatus) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(100)),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        created_by: UserId::parse("teacher-1").unwrap(),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(101)),
        room: room(),
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

fn participation(user: &Caller, role: ParticipantRole) -> Participation {
    Participation {
        id: ParticipationId::from_uuid(uuid::Uuid::from_u128(7)),
        class_id: class(ClassStatus::Live).id,
        tenant_id: user.tenant_id.clone(),
        user_id: user.user_id.clone(),
        user_name: user.name.clone(),
        role,
        joined_at: NOW,
        left_at: None,
    }
}

fn credentials() -> JoinCredentials {
    JoinCredentials {
        url: room().join_url,
        token: None,
        expires_at: None,
    }
}

struct Mocks {
    classes: MockClassRepository,
    participations: MockParticipationRepository,
    video: MockVideoProvider,
}

impl Mocks {
    fn new() -> Self {
        Self {
            classes: MockClassRepository::new(),
            participations: MockParticipationRepository::new(),
            video: MockVideoProvider::new(),
        }
    }

    fn finding(mut self, found: Option<LiveClass>) -> Self {
        self.classes
            .expect_find()
            .returning(move |_, _| Ok(found.clone()));
        self
    }

    fn rostering(mut self, class: LiveClass, participations: Vec<Participation>) -> Self {
        self.participations
            .expect_roster()
            .returning(move |_, _, _| Ok(Some((class.clone(), participations.clone()))));
        self
    }

    fn service(self) -> LiveClassService {
        LiveClassService::new(
            Arc::new(self.classes),
            Arc::new(self.participations),
            Arc::new(self.video),
            Arc::new(FixedClock::at(NOW)),
            Arc::new(SequentialIds::default()),
            ClassPolicy::default(),
        )
    }
}

fn new_class() -> CreateClass {
    CreateClass {
        tenant: None,
        title: Title::parse("  Advanced JavaScript ").unwrap(),
        description: Some(Description::parse("Q&A").unwrap()),
        scheduled_at: datetime!(2030-03-02 14:00 UTC),
        capacity: Some(Capacity::new(150).unwrap()),
        course_id: None,
        admission: None,
    }
}

fn url(raw: &str) -> RecordingUrl {
    RecordingUrl::parse(raw).unwrap()
}

fn unexpected() -> RepoError {
    RepoError::Unexpected(anyhow::anyhow!("disk on fire"))
}

// ---- create ----

#[tokio::test]
async fn a_training_manager_creates_a_scheduled_class_with_a_room() {
    let mut m = Mocks::new();
    m.video
        .expect_create_room()
        .withf(|spec| spec.max_participants == 150 && spec.title == "Advanced JavaScript")
        .returning(|_| Ok(room()));
    m.classes.expect_insert().times(1).returning(|_| Ok(()));
    let created = m.service().create(&teacher(), new_class()).await.unwrap();

    assert_eq!(created.status, ClassStatus::Scheduled);
    assert_eq!(created.title.as_str(), "Advanced JavaScript");
    assert_eq!(created.max_participants.get(), 150);
    assert_eq!(created.created_by.as_str(), "teacher-1");
    assert_eq!(created.tenant_id.as_str(), "tenant-a");
    assert_eq!(created.created_at, NOW);
    assert!(created.room_id.as_str().starts_with("room-"));
    assert_eq!(created.room, room());
}

#[tokio::test]
async fn capacity_defaults_to_the_policy_default() {
    let mut m = Mocks::new();
    m.video.expect_create_room().returning(|_| Ok(room()));
    m.classes.expect_insert().returning(|_| Ok(()));
    let input = CreateClass {
        capacity: None,
        ..new_class()
    };
    let created = m.service().create(&teacher(), input).await.unwrap();
    assert_eq!(created.max_participants.get(), 200);
}

#[tokio::test]
async fn a_student_cannot_create_a_class() {
    let err = Mocks::new()
        .service()
        .create(&student(), new_class())
        .await
        .unwrap_err();
    assert!(matches!(err, CreateClassError::Forbidden));
}

#[tokio::test]
async fn an_org_admin_may_create_a_class() {
    let mut m = Mocks::new();
    m.video.expect_create_room().returning(|_| Ok(room()));
    m.classes.expect_insert().returning(|_| Ok(()));
    let admin = caller("admin-1", &[Role::OrgAdmin]);
    assert!(m.service().create(&admin, new_class()).await.is_ok());
}

#[tokio::test]
async fn a_body_tenant_other_than_the_tokens_is_refused() {
    let input = CreateClass {
        tenant: Some(TenantId::parse("tenant-b").unwrap()),
        ..new_class()
    };
    let err = Mocks::new()
        .service()
        .create(&teacher(), input)
        .await
        .unwrap_err();
    assert!(matches!(err, CreateClassError::TenantMismatch));
}

#[tokio::test]
async fn the_tokens_own_tenant_in_the_body_is_accepted() {
    let mut m = Mocks::new();
    m.video.expect_create_room().returning(|_| Ok(room()));
    m.classes.expect_insert().returning(|_| Ok(()));
    let input = CreateClass {
        tenant: Some(TenantId::parse("tenant-a").unwrap()),
        ..new_class()
    };
    assert!(m.service().create(&teacher(), input).await.is_ok());
}

#[tokio::test]
async fn a_capacity_above_the_policy_names_the_field_and_makes_no_room() {
    // Parsing happens at the caller's edge; the policy's bound is the
    // service's own rule.
    let input = CreateClass {
        capacity: Some(Capacity::new(501).unwrap()),
        ..new_class()
    };
    // No expectations: any repository or provider call would panic.
    let err = Mocks::new()
        .service()
        .create(&teacher(), input)
        .await
        .unwrap_err();
    match err {
        CreateClassError::Invalid(e) => {
            assert_eq!(e.field, Field::Capacity);
            assert_eq!(e.message, "must be between 1 and 500");
        }
        other => panic!("expected Invalid(capacity), got {other:?}"),
    }
}

#[tokio::test]
async fn a_provider_failure_creates_nothing() {
    let mut m = Mocks::new();
    m.video
        .expect_create_room()
        .returning(|_| Err(VideoError::Unavailable("down".into())));
    m.classes.expect_insert().never();
    let err = m
        .service()
        .create(&teacher(), new_class())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CreateClassError::Video(VideoError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_store_failure_after_the_room_was_made_deletes_the_room() {
    let mut m = Mocks::new();
    m.video.expect_create_room().returning(|_| Ok(room()));
    m.classes.expect_insert().returning(|_| Err(unexpected()));
    m.video
        .expect_delete_room()
        .with(eq(room()))
        .times(1)
        .returning(|_| Ok(()));
    let err = m
        .service()
        .create(&teacher(), new_class())
        .await
        .unwrap_err();
    assert!(matches!(err, CreateClassError::Store(_)));
}

// ---- read ----

#[tokio::test]
async fn list_refuses_a_window_ending_before_it_starts_before_reading() {
    let query = ListClasses {
        filter: ClassFilter {
            from: Some(datetime!(2030-01-02 0:00 UTC)),
            to: Some(datetime!(2030-01-01 0:00 UTC)),
            ..ClassFilter::default()
        },
        ..ListClasses::default()
    };
    let err = Mocks::new()
        .service()
        .list(&student(), query)
        .await
        .unwrap_err();
    assert!(matches!(err, ListClassesError::Invalid(e) if e.field == Field::From));
}

#[tokio::test]
async fn list_reads_the_callers_tenant_only() {
    let mut m = Mocks::new();
    m.classes
        .expect_list()
        .withf(|tenant, filter, page| {
            tenant.as_str() == "tenant-a"
                && filter.status == Some(ClassStatus::Live)
                && page.limit() == 50
        })
        .returning(|_, _, page| {
            Ok(ClassPage {
                total: 0,
                page,
                classes: vec![],
            })
        });
    let filter = ClassFilter {
        status: Some(ClassStatus::Live),
        ..ClassFilter::default()
    };
    let page = m
        .service()
        .list(
            &student(),
            ListClasses {
                filter,
                ..ListClasses::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}

#[tokio::test]
async fn a_student_lists_the_classes_they_may_join_and_a_manager_every_class() {
    for (caller, visible_to) in [(student(), Some("student-1")), (teacher(), None)] {
        let mut m = Mocks::new();
        m.classes
            .expect_list()
            .withf(move |_, filter, _| filter.visible_to.as_ref().map(UserId::as_str) == visible_to)
            .times(1)
            .returning(|_, _, page| {
                Ok(ClassPage {
                    total: 0,
                    page,
                    classes: vec![],
                })
            });
        m.service()
            .list(&caller, ListClasses::default())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_roster_policy_needs_a_course_on_create_and_on_update() {
    let input = CreateClass {
        admission: Some(AdmissionPolicy::Roster),
        ..new_class()
    };
    let err = Mocks::new()
        .service()
        .create(&teacher(), input)
        .await
        .unwrap_err();
    assert!(matches!(err, CreateClassError::Invalid(e) if e.field == Field::AdmissionPolicy));

    // A class without a course cannot become a roster class; nothing is
    // asked of the provider or the store.
    let err = Mocks::new()
        .rostering(class(ClassStatus::Scheduled), vec![])
        .service()
        .update(
            &teacher(),
            class(ClassStatus::Scheduled).id,
            UpdateClass {
                admission: Some(AdmissionPolicy::Roster),
                ..UpdateClass::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, UpdateClassError::Invalid(e) if e.field == Field::AdmissionPolicy));
}

#[tokio::test]
async fn a_roster_class_of_a_course_is_created_with_its_policy() {
    let mut m = Mocks::new();
    m.video.expect_create_room().returning(|_| Ok(room()));
    m.classes
        .expect_insert()
        .withf(|c| {
            c.admission == AdmissionPolicy::Roster
                && c.course_id.as_ref().map(CourseId::as_str) == Some("web")
        })
        .times(1)
        .returning(|_| Ok(()));
    let input = CreateClass {
        admission: Some(AdmissionPolicy::Roster),
        course_id: Some(CourseId::parse("web").unwrap()),
        ..new_class()
    };
    let created = m.service().create(&teacher(), input).await.unwrap();
    assert_eq!(created.admission, AdmissionPolicy::Roster);
}

#[tokio::test]
async fn another_tenants_class_is_not_found() {
    let mut m = Mocks::new();
    m.participations
        .expect_roster()
        .returning(|_, _, _| Ok(None));
    let err = m
        .service()
        .get(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, GetClassError::NotFound));
}

#[tokio::test]
async fn details_carry_every_participation() {
    let mut m = Mocks::new();
    m.participations
        .expect_roster()
        .with(
            mockall::predicate::always(),
            mockall::predicate::always(),
            eq(false),
        )
        .returning(|_, _, _| {
            Ok(Some((
                class(ClassStatus::Live),
                vec![participation(&student(), ParticipantRole::Participant)],
            )))
        });
    let details = m
        .service()
        .get(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert_eq!(details.participations.len(), 1);
    assert_eq!(
        details.counts,
        ClassCounts {
            active: 1,
            participants: 1
        }
    );
}

#[tokio::test]
async fn participants_are_the_active_ones() {
    let mut m = Mocks::new();
    m.participations
        .expect_roster()
        .with(
            mockall::predicate::always(),
            mockall::predicate::always(),
            eq(true),
        )
        .returning(|_, _, _| Ok(Some((class(ClassStatus::Live), vec![]))));
    let view = m
        .service()
        .participants(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert!(view.active.is_empty());
}

// ---- start / end ----

#[tokio::test]
async fn the_creator_starts_a_scheduled_class_now() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Scheduled)));
    m.classes
        .expect_mark_started()
        .withf(|_, _, at| *at == NOW)
        .returning(|_, _, at| {
            Ok(TransitionOutcome::Changed(Box::new(LiveClass {
                status: ClassStatus::Live,
                started_at: Some(at),
                ..class(ClassStatus::Live)
            })))
        });
    // Then the creator is seated, as the teacher, at the start.
    m.participations
        .expect_admit()
        .times(1)
        .withf(|r| {
            r.user_id.as_str() == "teacher-1"
                && r.role == ParticipantRole::Teacher
                && r.at == NOW
                && r.user_name.as_deref() == Some("teacher-1 name")
                && !r.wait
        })
        .returning(|_| {
            Ok(AdmitOutcome::Admitted(participation(
                &teacher(),
                ParticipantRole::Teacher,
            )))
        });
    let started = m
        .service()
        .start(&teacher(), class(ClassStatus::Scheduled).id)
        .await
        .unwrap();
    assert_eq!(started.status, ClassStatus::Live);
    assert_eq!(started.started_at, Some(NOW));
}

#[tokio::test]
async fn a_start_stands_when_seating_the_creator_fails() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Scheduled)));
    m.classes.expect_mark_started().returning(|_, _, at| {
        Ok(TransitionOutcome::Changed(Box::new(LiveClass {
            status: ClassStatus::Live,
            started_at: Some(at),
            ..class(ClassStatus::Live)
        })))
    });
    m.participations
        .expect_admit()
        .times(1)
        .returning(|_| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
    let started = m
        .service()
        .start(&teacher(), class(ClassStatus::Scheduled).id)
        .await
        .unwrap();
    assert_eq!(started.status, ClassStatus::Live);
}

#[tokio::test]
async fn only_the_creator_may_start_even_with_a_managing_role() {
    let other_manager = caller("teacher-2", &[Role::TrainingManager]);
    let err = Mocks::new()
        .finding(Some(class(ClassStatus::Scheduled)))
        .service()
        .start(&other_manager, class(ClassStatus::Scheduled).id)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        TransitionClassError::Refused(TransitionError::NotCreator { action: "start" })
    ));
    assert_eq!(
        err.to_string(),
        "Only the class creator can start the class"
    );
}

#[tokio::test]
async fn starting_a_live_class_is_refused_with_its_status() {
    let err = Mocks::new()
        .finding(Some(class(ClassStatus::Live)))
        .service()
        .start(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Cannot start class with status: live");
}

#[tokio::test]
async fn ending_a_scheduled_class_is_refused() {
    let err = Mocks::new()
        .finding(Some(class(ClassStatus::Scheduled)))
        .service()
        .end(&teacher(), class(ClassStatus::Scheduled).id)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Cannot end class with status: scheduled");
}

#[tokio::test]
async fn ending_an_ended_or_cancelled_class_is_refused() {
    for status in [ClassStatus::Ended, ClassStatus::Cancelled] {
        let err = Mocks::new()
            .finding(Some(class(status)))
            .service()
            .end(&teacher(), class(status).id)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            TransitionClassError::Refused(TransitionError::InvalidTransition { .. })
        ));
    }
}

#[tokio::test]
async fn a_start_that_loses_a_race_reports_the_status_it_found() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Scheduled)));
    m.classes
        .expect_mark_started()
        .returning(|_, _, _| Ok(TransitionOutcome::StatusWas(ClassStatus::Live)));
    let err = m
        .service()
        .start(&teacher(), class(ClassStatus::Scheduled).id)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Cannot start class with status: live");
}

#[tokio::test]
async fn the_creator_ends_a_live_class() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
    m.video
        .expect_capabilities()
        .returning(crate::video::Capabilities::default);
    m.classes
        .expect_mark_ended()
        .withf(|_, _, at| *at == NOW)
        .returning(|_, _, at| {
            Ok(TransitionOutcome::Changed(Box::new(LiveClass {
                status: ClassStatus::Ended,
                ended_at: Some(at),
                ..class(ClassStatus::Ended)
            })))
        });
    let ended = m
        .service()
        .end(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert_eq!(ended.ended_at, Some(NOW));
}

#[tokio::test]
async fn starting_an_unknown_class_is_not_found() {
    let err = Mocks::new()
        .finding(None)
        .service()
        .start(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, TransitionClassError::NotFound));
}

// ---- join / leave ----

fn admitting(mut m: Mocks, outcome: AdmitOutcome) -> Mocks {
    m.participations
        .expect_admit()
        .returning(move |_| Ok(outcome.clone()));
    m
}

#[tokio::test]
async fn a_student_joins_a_live_class_as_participant() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
    m.participations
        .expect_admit()
        .withf(|r| {
            r.role == ParticipantRole::Participant
                && r.at == NOW
                && r.user_id.as_str() == "student-1"
        })
        .returning(|r| {
            Ok(AdmitOutcome::Admitted(Participation {
                id: r.participation_id,
                ..participation(&student(), r.role)
            }))
        });
    m.video
        .expect_join_credentials()
        .withf(|_, who| who.role == ParticipantRole::Participant)
        .returning(|_, _| Ok(credentials()));
    let joined = m
        .service()
        .join(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert!(!joined.already_joined);
    assert_eq!(joined.participation.role, ParticipantRole::Participant);
    assert_eq!(joined.credentials.url, "https://meet.example/room-x");
}

#[tokio::test]
async fn the_creator_joins_as_teacher() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
    m.participations
        .expect_admit()
        .withf(|r| r.role == ParticipantRole::Teacher)
        .returning(|r| Ok(AdmitOutcome::Admitted(participation(&teacher(), r.role))));
    m.video
        .expect_join_credentials()
        .withf(|_, who| who.role == ParticipantRole::Teacher)
        .returning(|_, _| Ok(credentials()));
    let joined = m
        .service()
        .join(&teacher(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert_eq!(joined.participation.role, ParticipantRole::Teacher);
}

#[tokio::test]
async fn joining_twice_returns_the_existing_participation() {
    let existing = participation(&student(), ParticipantRole::Participant);
    let mut m = admitting(
        Mocks::new().finding(Some(class(ClassStatus::Live))),
        AdmitOutcome::AlreadyActive(existing.clone()),
    );
    m.video
        .expect_join_credentials()
        .returning(|_, _| Ok(credentials()));
    let joined = m
        .service()
        .join(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert!(joined.already_joined);
    assert_eq!(joined.participation, existing);
}

#[tokio::test]
async fn joining_a_class_that_is_not_live_is_refused_without_writing() {
    for status in [
        ClassStatus::Scheduled,
        ClassStatus::Ended,
        ClassStatus::Cancelled,
    ] {
        let mut m = Mocks::new().finding(Some(class(status)));
        m.participations.expect_admit().never();
        let err = m
            .service()
            .join(&student(), class(status).id)
            .await
            .unwrap_err();
        assert!(matches!(err, JoinClassError::NotLive(s) if s == status));
        assert_eq!(
            err.to_string(),
            format!("Cannot join class with status: {status}")
        );
    }
}

#[tokio::test]
async fn joining_a_full_class_is_refused_with_the_capacity() {
    let err = admitting(
        Mocks::new().finding(Some(class(ClassStatus::Live))),
        AdmitOutcome::Full { capacity: 2 },
    )
    .service()
    .join(&student(), class(ClassStatus::Live).id)
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Live class is at maximum capacity (2 participants)"
    );
}

#[tokio::test]
async fn a_roster_refusal_from_the_admission_is_not_on_roster() {
    let err = admitting(
        Mocks::new().finding(Some(class(ClassStatus::Live))),
        AdmitOutcome::NotOnRoster,
    )
    .service()
    .join(&student(), class(ClassStatus::Live).id)
    .await
    .unwrap_err();
    assert!(matches!(err, JoinClassError::NotOnRoster));
}

#[tokio::test]
async fn a_class_that_ended_between_read_and_admit_is_not_live() {
    let err = admitting(
        Mocks::new().finding(Some(class(ClassStatus::Live))),
        AdmitOutcome::NotLive(ClassStatus::Ended),
    )
    .service()
    .join(&student(), class(ClassStatus::Live).id)
    .await
    .unwrap_err();
    assert!(matches!(err, JoinClassError::NotLive(ClassStatus::Ended)));
}

#[tokio::test]
async fn a_provider_failure_on_join_is_reported() {
    let mut m = admitting(
        Mocks::new().finding(Some(class(ClassStatus::Live))),
        AdmitOutcome::Admitted(participation(&student(), ParticipantRole::Participant)),
    );
    m.video
        .expect_join_credentials()
        .returning(|_, _| Err(VideoError::RateLimited { retry_after: None }));
    let err = m
        .service()
        .join(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        JoinClassError::Video(VideoError::RateLimited { .. })
    ));
}

#[tokio::test]
async fn leaving_closes_the_active_participation() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
    m.participations
        .expect_release()
        .withf(|_, _, user, at| user.as_str() == "student-1" && *at == NOW)
        .returning(|_, _, _, at| {
            Ok(Some(Participation {
                left_at: Some(at),
                ..participation(&student(), ParticipantRole::Participant)
            }))
        });
    let left = m
        .service()
        .leave(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap();
    assert_eq!(left.left_at, Some(NOW));
}

#[tokio::test]
async fn leaving_a_class_one_is_not_in_is_refused() {
    let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
    m.participations
        .expect_release()
        .returning(|_, _, _, _| Ok(None));
    let err = m
        .service()
        .leave(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, LeaveClassError::NotParticipating));
    assert_eq!(err.to_string(), "Not currently in this live class");
}

#[tokio::test]
async fn leaving_an_unknown_class_is_not_found() {
    let err = Mocks::new()
        .finding(None)
        .service()
        .leave(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, LeaveClassError::NotFound));
}

// ---- recording ----

#[tokio::test]
async fn a_manager_sets_the_recording_of_an_ended_class() {
    let mut m = Mocks::new();
    m.classes
        .expect_set_recording()
        .withf(|_, _, url, _| url.as_str() == "s3://bucket/r.mp4")
        .returning(|_, _, url, _| {
            Ok(RecordingOutcome::Set(Box::new(LiveClass {
                recording_url: Some(url.clone()),
                ..class(ClassStatus::Ended)
            })))
        });
    let set = m
        .service()
        .set_recording(
            &teacher(),
            class(ClassStatus::Ended).id,
            RecordingUrl::parse("s3://bucket/r.mp4").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(set.recording_url.unwrap().as_str(), "s3://bucket/r.mp4");
}

#[tokio::test]
async fn recording_refusals_map_one_to_one() {
    let cases = [
        (
            RecordingOutcome::AlreadySet,
            "The recording URL is already set and cannot be changed",
        ),
        (
            RecordingOutcome::NotEnded(ClassStatus::Live),
            "Cannot set a recording for class with status: live",
        ),
        (RecordingOutcome::NotFound, "Live class not found"),
    ];
    for (outcome, message) in cases {
        let mut m = Mocks::new();
        m.classes
            .expect_set_recording()
            .returning(move |_, _, _, _| Ok(outcome.clone()));
        let err = m
            .service()
            .set_recording(&teacher(), class(ClassStatus::Ended).id, url("s3://b/k"))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

#[tokio::test]
async fn a_student_cannot_set_a_recording() {
    let err = Mocks::new()
        .finding(Some(class(ClassStatus::Ended)))
        .service()
        .set_recording(&student(), class(ClassStatus::Ended).id, url("s3://b/k"))
        .await
        .unwrap_err();
    assert!(matches!(err, SetRecordingError::Forbidden));
}

#[tokio::test]
async fn another_tenants_class_is_not_found_when_a_student_sets_its_recording() {
    let err = Mocks::new()
        .finding(None)
        .service()
        .set_recording(&student(), class(ClassStatus::Ended).id, url("s3://b/k"))
        .await
        .unwrap_err();
    assert!(matches!(err, SetRecordingError::NotFound));
}

#[tokio::test]
async fn an_instant_outside_the_supported_range_is_refused() {
    use time::format_description::well_known::Rfc3339;
    for raw in [
        "1969-12-31T23:59:59Z",
        "9999-06-01T00:00:00Z",
        "1970-01-01T00:30:00+01:00",
    ] {
        let at = time::OffsetDateTime::parse(raw, &Rfc3339).unwrap();
        let err = Mocks::new()
            .service()
            .create(
                &teacher(),
                CreateClass {
                    tenant: None,
                    title: Title::parse("t").unwrap(),
                    description: None,
                    scheduled_at: at,
                    capacity: None,
                    course_id: None,
                    admission: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, CreateClassError::Invalid(e) if e.field == crate::validation::Field::ScheduledAt),
            "{raw}: {err:?}"
        );
    }
}

#[tokio::test]
async fn storage_failures_surface_as_store_errors() {
    let mut m = Mocks::new();
    m.participations
        .expect_roster()
        .returning(|_, _, _| Err(unexpected()));
    let err = m
        .service()
        .get(&student(), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        GetClassError::Store(RepoError::Unexpected(_))
    ));
}

// ---- the video room through the lifecycle (issue 3) ----

mod video_lifecycle {
    use super::*;
    use crate::class::errors::{IssueTokenError, UpdateClassError};
    use crate::class::ports::UpdateOutcome;
    use crate::cleanup::{CleanupAction, MockCleanupQueue};
    use crate::video::Capabilities;

    fn ending(mut m: Mocks) -> Mocks {
        m.classes.expect_mark_ended().returning(|_, _, at| {
            Ok(TransitionOutcome::Changed(Box::new(LiveClass {
                ended_at: Some(at),
                ..class(ClassStatus::Ended)
            })))
        });
        m.video.expect_capabilities().returning(|| Capabilities {
            end_meeting: true,
            ..Capabilities::default()
        });
        m
    }

    fn service_with_queue(m: Mocks, queue: MockCleanupQueue) -> LiveClassService {
        m.service().with_cleanup_queue(Arc::new(queue))
    }

    #[tokio::test]
    async fn ending_a_class_ends_the_providers_meeting() {
        let mut m = ending(Mocks::new().finding(Some(class(ClassStatus::Live))));
        m.video
            .expect_end_meeting()
            .withf(|r| *r == room())
            .times(1)
            .returning(|_| Ok(()));
        let ended = service_with_queue(m, MockCleanupQueue::new())
            .end(&teacher(), class(ClassStatus::Live).id)
            .await
            .unwrap();
        assert_eq!(ended.status, ClassStatus::Ended);
    }

    #[tokio::test]
    async fn a_provider_failure_on_end_is_queued_and_the_class_still_ends() {
        let mut m = ending(Mocks::new().finding(Some(class(ClassStatus::Live))));
        m.video
            .expect_end_meeting()
            .returning(|_| Err(VideoError::Unavailable("down".into())));
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_enqueue()
            .withf(|c, due| {
                c.action == CleanupAction::EndMeeting
                    && c.room == room()
                    && c.attempts == 1
                    && *due == NOW
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let ended = service_with_queue(m, queue)
            .end(&teacher(), class(ClassStatus::Live).id)
            .await
            .unwrap();
        assert_eq!(ended.status, ClassStatus::Ended);
    }

    #[tokio::test]
    async fn a_provider_without_end_meeting_is_not_asked_to_end_it() {
        let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
        m.classes.expect_mark_ended().returning(|_, _, _| {
            Ok(TransitionOutcome::Changed(Box::new(class(
                ClassStatus::Ended,
            ))))
        });
        m.video
            .expect_capabilities()
            .returning(Capabilities::default);
        // No expect_end_meeting: a call would panic.
        m.service()
            .end(&teacher(), class(ClassStatus::Live).id)
            .await
            .unwrap();
    }

    fn cancelling(mut m: Mocks) -> Mocks {
        m.classes.expect_mark_cancelled().returning(|_, _, _| {
            Ok(TransitionOutcome::Changed(Box::new(class(
                ClassStatus::Cancelled,
            ))))
        });
        m
    }

    #[tokio::test]
    async fn cancelling_a_class_deletes_its_room() {
        let mut m = cancelling(Mocks::new().finding(Some(class(ClassStatus::Scheduled))));
        m.video.expect_delete_room().times(1).returning(|_| Ok(()));
        let cancelled = m
            .service()
            .cancel(&teacher(), class(ClassStatus::Scheduled).id)
            .await
            .unwrap();
        assert_eq!(cancelled.status, ClassStatus::Cancelled);
    }

    #[tokio::test]
    async fn a_room_that_cannot_be_deleted_is_queued_and_the_class_still_cancelled() {
        let mut m = cancelling(Mocks::new().finding(Some(class(ClassStatus::Scheduled))));
        m.video
            .expect_delete_room()
            .returning(|_| Err(VideoError::RateLimited { retry_after: None }));
        let mut queue = MockCleanupQueue::new();
        queue
            .expect_enqueue()
            .withf(|c, _| c.action == CleanupAction::DeleteRoom)
            .times(1)
            .returning(|_, _| Ok(()));
        let cancelled = service_with_queue(m, queue)
            .cancel(&teacher(), class(ClassStatus::Scheduled).id)
            .await
            .unwrap();
        assert_eq!(cancelled.status, ClassStatus::Cancelled);
    }

    #[tokio::test]
    async fn only_the_creator_cancels_and_a_live_class_cannot_be_cancelled() {
        let err = Mocks::new()
            .finding(Some(class(ClassStatus::Scheduled)))
            .service()
            .cancel(&student(), class(ClassStatus::Scheduled).id)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            TransitionClassError::Refused(TransitionError::NotCreator { .. })
        ));
        let err = Mocks::new()
            .finding(Some(class(ClassStatus::Live)))
            .service()
            .cancel(&teacher(), class(ClassStatus::Live).id)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            TransitionClassError::Refused(TransitionError::InvalidTransition { .. })
        ));
    }

    fn edit() -> UpdateClass {
        UpdateClass {
            title: Some(Title::parse("Rust 2").unwrap()),
            capacity: Some(Capacity::new(5).unwrap()),
            ..UpdateClass::default()
        }
    }

    #[tokio::test]
    async fn an_update_changes_the_room_then_the_class() {
        let mut m = Mocks::new().rostering(class(ClassStatus::Scheduled), vec![]);
        m.video
            .expect_update_room()
            .withf(|r, spec| *r == room() && spec.title == "Rust 2" && spec.max_participants == 5)
            .times(1)
            .returning(|r, _| Ok(r.clone()));
        m.classes
            .expect_update_details()
            .withf(|_, _, u, at| {
                u.title.as_str() == "Rust 2" && u.max_participants.get() == 5 && *at == NOW
            })
            .times(1)
            .returning(|_, _, u, _| {
                Ok(UpdateOutcome::Updated(Box::new(LiveClass {
                    title: u.title.clone(),
                    max_participants: u.max_participants,
                    ..class(ClassStatus::Scheduled)
                })))
            });
        let updated = m
            .service()
            .update(&teacher(), class(ClassStatus::Scheduled).id, edit())
            .await
            .unwrap();
        assert_eq!(updated.0.title.as_str(), "Rust 2");
    }

    #[tokio::test]
    async fn a_provider_failure_on_update_changes_nothing() {
        let mut m = Mocks::new().rostering(class(ClassStatus::Scheduled), vec![]);
        m.video
            .expect_update_room()
            .returning(|_, _| Err(VideoError::Unavailable("down".into())));
        // No expect_update_details: a write would panic.
        let err = m
            .service()
            .update(&teacher(), class(ClassStatus::Scheduled).id, edit())
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateClassError::Video(_)));
    }

    fn students(n: u128) -> Vec<Participation> {
        (0..n)
            .map(|i| Participation {
                id: ParticipationId::from_uuid(uuid::Uuid::from_u128(1000 + i)),
                user_id: UserId::parse(&format!("s{i}")).unwrap(),
                ..participation(&student(), ParticipantRole::Participant)
            })
            .collect()
    }

    #[tokio::test]
    async fn capacity_cannot_go_below_the_seats_taken_the_creators_included() {
        // Four students and the seat held for the absent creator: 5 fits,
        // five students do not (the creator's seat counts even when empty).
        let live = LiveClass {
            max_participants: Capacity::from_stored(10),
            ..class(ClassStatus::Live)
        };
        let err = Mocks::new()
            .rostering(live.clone(), students(5))
            .service()
            .update(&teacher(), live.id, edit())
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateClassError::BelowActive { active: 6 }));

        let mut m = Mocks::new().rostering(live.clone(), students(4));
        m.video.expect_update_room().returning(|r, _| Ok(r.clone()));
        m.classes
            .expect_update_details()
            .returning(|_, _, _, _| Ok(UpdateOutcome::Updated(Box::new(class(ClassStatus::Live)))));
        m.service()
            .update(&teacher(), live.id, edit())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_present_creator_is_not_counted_twice() {
        let live = LiveClass {
            max_participants: Capacity::from_stored(10),
            ..class(ClassStatus::Live)
        };
        let mut present = students(4);
        present.push(participation(&teacher(), ParticipantRole::Teacher));
        let mut m = Mocks::new().rostering(live.clone(), present);
        m.video.expect_update_room().returning(|r, _| Ok(r.clone()));
        m.classes
            .expect_update_details()
            .returning(|_, _, _, _| Ok(UpdateOutcome::Updated(Box::new(class(ClassStatus::Live)))));
        m.service()
            .update(&teacher(), live.id, edit())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_join_racing_the_update_is_caught_by_the_conditional_write() {
        let mut m = Mocks::new().rostering(class(ClassStatus::Live), vec![]);
        m.video
            .expect_update_room()
            .times(2)
            .returning(|r, _| Ok(r.clone()));
        m.classes
            .expect_update_details()
            .returning(|_, _, _, _| Ok(UpdateOutcome::TooManyActive { active: 7 }));
        let err = m
            .service()
            .update(&teacher(), class(ClassStatus::Live).id, edit())
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateClassError::BelowActive { active: 7 }));
    }

    #[tokio::test]
    async fn only_the_creator_updates_and_finished_classes_are_frozen() {
        let err = Mocks::new()
            .rostering(class(ClassStatus::Scheduled), vec![])
            .service()
            .update(&student(), class(ClassStatus::Scheduled).id, edit())
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateClassError::NotCreator));
        let err = Mocks::new()
            .rostering(class(ClassStatus::Ended), vec![])
            .service()
            .update(&teacher(), class(ClassStatus::Ended).id, edit())
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            UpdateClassError::Finished(ClassStatus::Ended)
        ));
    }

    #[tokio::test]
    async fn a_token_is_reissued_to_an_admitted_caller_with_their_role() {
        let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
        m.participations
            .expect_list_for_class()
            .with(
                eq(teacher().tenant_id),
                eq(class(ClassStatus::Live).id),
                eq(true),
            )
            .returning(|_, _, _| {
                Ok(vec![participation(
                    &student(),
                    ParticipantRole::Participant,
                )])
            });
        m.video
            .expect_join_credentials()
            .withf(|_, who| {
                who.role == ParticipantRole::Participant && who.user_id.as_str() == "student-1"
            })
            .returning(|_, _| Ok(credentials()));
        let (_, p, creds) = m
            .service()
            .issue_token(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap();
        assert_eq!(p.role, ParticipantRole::Participant);
        assert_eq!(creds, credentials());
    }

    #[tokio::test]
    async fn a_caller_who_is_not_in_the_class_gets_no_token() {
        let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
        m.participations
            .expect_list_for_class()
            .returning(|_, _, _| Ok(vec![participation(&teacher(), ParticipantRole::Teacher)]));
        m.participations
            .expect_is_removed()
            .returning(|_, _, user| Ok(user.as_str() == "banned"));
        let service = m.service();
        let err = service
            .issue_token(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap_err();
        assert!(matches!(err, IssueTokenError::NotAdmitted));
        // A removed user is told so.
        let banned = Caller {
            user_id: UserId::parse("banned").unwrap(),
            ..student()
        };
        let err = service
            .issue_token(&banned, class(ClassStatus::Live).id)
            .await
            .unwrap_err();
        assert!(matches!(err, IssueTokenError::Removed));
        let err = Mocks::new()
            .finding(Some(class(ClassStatus::Scheduled)))
            .service()
            .issue_token(&student(), class(ClassStatus::Scheduled).id)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            IssueTokenError::NotLive(ClassStatus::Scheduled)
        ));
    }
}

/// Issue 12: participant controls flow into join credentials.
mod controls_in_credentials {
    use super::*;
    use crate::controls::{MockControlsRepository, ParticipantControls};

    fn muted() -> ParticipantControls {
        ParticipantControls {
            mic_allowed: false,
            camera_allowed: false,
            ..ParticipantControls::default()
        }
    }

    fn service_with(m: Mocks, controls: MockControlsRepository) -> LiveClassService {
        m.service().with_controls(Arc::new(controls))
    }

    #[tokio::test]
    async fn a_muted_participants_reissued_token_is_muted() {
        let mut m = Mocks::new().finding(Some(class(ClassStatus::Live)));
        m.participations
            .expect_list_for_class()
            .returning(|_, _, _| {
                Ok(vec![participation(
                    &student(),
                    ParticipantRole::Participant,
                )])
            });
        m.video
            .expect_join_credentials()
            .withf(|_, who| !who.mic_allowed && !who.camera_allowed && !who.co_host)
            .returning(|_, _| Ok(credentials()));
        let mut controls = MockControlsRepository::new();
        controls
            .expect_controls_of()
            .withf(|_, _, u| u.as_str() == "student-1")
            .returning(|_, _, _| Ok(Some(muted())));
        service_with(m, controls)
            .issue_token(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn rejoining_while_in_the_class_keeps_the_mute() {
        let existing = participation(&student(), ParticipantRole::Participant);
        let mut m = admitting(
            Mocks::new().finding(Some(class(ClassStatus::Live))),
            AdmitOutcome::AlreadyActive(existing),
        );
        m.video
            .expect_join_credentials()
            .withf(|_, who| !who.mic_allowed)
            .returning(|_, _| Ok(credentials()));
        let mut controls = MockControlsRepository::new();
        controls
            .expect_controls_of()
            .returning(|_, _, _| Ok(Some(muted())));
        let joined = service_with(m, controls)
            .join(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap();
        assert!(joined.already_joined);
    }

    #[tokio::test]
    async fn a_new_participation_has_the_defaults_without_a_read() {
        let mut m = admitting(
            Mocks::new().finding(Some(class(ClassStatus::Live))),
            AdmitOutcome::Admitted(participation(&student(), ParticipantRole::Participant)),
        );
        m.video
            .expect_join_credentials()
            .withf(|_, who| who.mic_allowed && who.camera_allowed)
            .returning(|_, _| Ok(credentials()));
        // No expectation: a read would fail the test.
        service_with(m, MockControlsRepository::new())
            .join(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_co_host_joins_with_moderator_rights_in_the_room() {
        let with_co_host = LiveClass {
            co_hosts: vec![student().user_id],
            ..class(ClassStatus::Live)
        };
        let mut m = admitting(
            Mocks::new().finding(Some(with_co_host)),
            AdmitOutcome::Admitted(participation(&student(), ParticipantRole::Participant)),
        );
        m.video
            .expect_join_credentials()
            .withf(|_, who| who.co_host && who.role == ParticipantRole::Participant)
            .returning(|_, _| Ok(credentials()));
        m.service()
            .join(&student(), class(ClassStatus::Live).id)
            .await
            .unwrap();
    }
}
