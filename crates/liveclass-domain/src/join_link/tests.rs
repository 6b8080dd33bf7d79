use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::caller::Caller;
use crate::caller::Role;
use crate::class::errors::JoinClassError;
use crate::class::ports::{
    AdmitOutcome, MockClassRepository, MockParticipationRepository, TransitionOutcome,
};
use crate::class::{Capacity, ClassPolicy, ParticipantRole, Participation, Title};
use crate::class::{ClassStatus, LiveClass, LiveClassService};
use crate::clock::FixedClock;
use crate::ids::TenantId;
use crate::ids::{ClassId, RoomId, SequentialIds, UserId};
use crate::video::{JoinCredentials, MockVideoProvider, Room};
use time::Duration;

const START: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);
const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn hash() -> JoinHash {
    JoinHash::parse(HASH).unwrap()
}

fn who(user: &str) -> Caller {
    Caller {
        user_id: UserId::parse(user).unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: vec![Role::Other("student".into())],
        name: None,
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
        room: Room {
            provider: "jitsi".into(),
            external_id: "room-x".into(),
            join_url: "https://meet.example/room-x".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: START,
        scheduled_end: Some(START + Duration::hours(2)),
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::parse(HASH).unwrap(),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(2),
        recording_url: None,
        created_at: START,
        updated_at: START,
    }
}

struct Setup {
    links: MockJoinLinkRepository,
    classes: MockClassRepository,
    participations: MockParticipationRepository,
    video: MockVideoProvider,
    now: OffsetDateTime,
}

impl Setup {
    fn finding(status: ClassStatus, now: OffsetDateTime) -> Self {
        let mut links = MockJoinLinkRepository::new();
        links
            .expect_find_by_join_hash()
            .returning(move |_, _| Ok(Some(class(status))));
        let mut classes = MockClassRepository::new();
        classes
            .expect_find()
            .returning(move |_, _| Ok(Some(class(status))));
        Self {
            links,
            classes,
            participations: MockParticipationRepository::new(),
            video: MockVideoProvider::new(),
            now,
        }
    }

    fn admitting(mut self) -> Self {
        self.participations.expect_admit().times(1).returning(|r| {
            Ok(AdmitOutcome::Admitted(Participation {
                id: r.participation_id,
                class_id: r.class_id,
                tenant_id: r.tenant_id.clone(),
                user_id: r.user_id.clone(),
                user_name: None,
                role: r.role,
                joined_at: r.at,
                left_at: None,
            }))
        });
        self.video.expect_join_credentials().returning(|room, _| {
            Ok(JoinCredentials {
                url: room.join_url.clone(),
                token: None,
                expires_at: None,
            })
        });
        self
    }

    fn service(self) -> JoinLinkService {
        let clock = Arc::new(FixedClock::at(self.now));
        let classes = Arc::new(LiveClassService::new(
            Arc::new(self.classes),
            Arc::new(self.participations),
            Arc::new(self.video),
            clock.clone(),
            Arc::new(SequentialIds::default()),
            ClassPolicy::default(),
        ));
        JoinLinkService::new(
            Arc::new(self.links),
            classes,
            clock,
            JoinLinkPolicy::default(),
        )
    }
}

#[tokio::test]
async fn a_student_following_a_scheduled_link_gets_a_countdown() {
    let svc = Setup::finding(ClassStatus::Scheduled, START - Duration::minutes(10)).service();
    match svc.follow(&who("student-1"), &hash()).await.unwrap() {
        JoinLinkOutcome::Countdown {
            seconds_until_start,
            ..
        } => assert_eq!(seconds_until_start, 600),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_countdown_never_goes_below_zero() {
    let svc = Setup::finding(ClassStatus::Scheduled, START + Duration::minutes(3)).service();
    assert!(matches!(
        svc.follow(&who("student-1"), &hash()).await.unwrap(),
        JoinLinkOutcome::Countdown {
            seconds_until_start: 0,
            ..
        }
    ));
}

#[tokio::test]
async fn the_teacher_before_the_start_window_gets_a_countdown() {
    let svc = Setup::finding(ClassStatus::Scheduled, START - Duration::minutes(16)).service();
    assert!(matches!(
        svc.follow(&who("teacher-1"), &hash()).await.unwrap(),
        JoinLinkOutcome::Countdown { .. }
    ));
}

#[tokio::test]
async fn the_teacher_within_the_start_window_starts_the_class_and_joins_it() {
    let mut setup = Setup::finding(ClassStatus::Scheduled, START - Duration::minutes(15));
    // The start seats the teacher; their join then finds that seat.
    let mut seated: Option<Participation> = None;
    setup
        .participations
        .expect_admit()
        .times(2)
        .returning(move |r| {
            Ok(match &seated {
                Some(p) => AdmitOutcome::AlreadyActive(p.clone()),
                None => {
                    let p = Participation {
                        id: r.participation_id,
                        class_id: r.class_id,
                        tenant_id: r.tenant_id.clone(),
                        user_id: r.user_id.clone(),
                        user_name: None,
                        role: r.role,
                        joined_at: r.at,
                        left_at: None,
                    };
                    seated = Some(p.clone());
                    AdmitOutcome::Admitted(p)
                }
            })
        });
    setup.video.expect_join_credentials().returning(|room, _| {
        Ok(JoinCredentials {
            url: room.join_url.clone(),
            token: None,
            expires_at: None,
        })
    });
    // `join` re-reads the class: after the start it is live.
    setup.classes = {
        let mut c = MockClassRepository::new();
        let mut reads = 0;
        c.expect_find().returning(move |_, _| {
            reads += 1;
            Ok(Some(class(if reads == 1 {
                ClassStatus::Scheduled
            } else {
                ClassStatus::Live
            })))
        });
        c.expect_mark_started().times(1).returning(|_, _, _| {
            Ok(TransitionOutcome::Changed(Box::new(class(
                ClassStatus::Live,
            ))))
        });
        c
    };
    match setup
        .service()
        .follow(&who("teacher-1"), &hash())
        .await
        .unwrap()
    {
        JoinLinkOutcome::Joined(joined) => {
            assert_eq!(joined.participation.role, ParticipantRole::Teacher);
            assert_eq!(joined.credentials.url, "https://meet.example/room-x");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_live_class_link_joins_as_post_join_does() {
    let svc = Setup::finding(ClassStatus::Live, START)
        .admitting()
        .service();
    match svc.follow(&who("student-1"), &hash()).await.unwrap() {
        JoinLinkOutcome::Joined(joined) => {
            assert_eq!(joined.participation.role, ParticipantRole::Participant);
            assert!(!joined.already_joined);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_full_class_refuses_the_link_like_a_join() {
    let mut setup = Setup::finding(ClassStatus::Live, START);
    setup
        .participations
        .expect_admit()
        .returning(|_| Ok(AdmitOutcome::Full { capacity: 2 }));
    assert!(matches!(
        setup.service().follow(&who("student-1"), &hash()).await,
        Err(FollowJoinLinkError::Join(JoinClassError::Full {
            capacity: 2
        }))
    ));
}

#[tokio::test]
async fn ended_and_cancelled_classes_refuse_their_links() {
    let svc = Setup::finding(ClassStatus::Ended, START).service();
    assert!(matches!(
        svc.follow(&who("student-1"), &hash()).await,
        Err(FollowJoinLinkError::Ended)
    ));
    let svc = Setup::finding(ClassStatus::Cancelled, START).service();
    assert!(matches!(
        svc.follow(&who("student-1"), &hash()).await,
        Err(FollowJoinLinkError::Cancelled)
    ));
}

#[tokio::test]
async fn unknown_and_malformed_hashes_are_not_found() {
    let mut setup = Setup::finding(ClassStatus::Live, START);
    setup.links = MockJoinLinkRepository::new();
    setup
        .links
        .expect_find_by_join_hash()
        .returning(|_, _| Ok(None));
    let svc = setup.service();
    assert!(matches!(
        svc.follow(&who("student-1"), &hash()).await,
        Err(FollowJoinLinkError::NotFound)
    ));
    // A malformed hash is refused by its parser: it never reaches the store.
    assert!(JoinHash::parse("nope").is_err());
}
