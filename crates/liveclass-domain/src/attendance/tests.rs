//! The attendance rules with exact expected seconds, under messy input.

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::class::{Capacity, ClassStatus, LiveClass, ParticipantRole, Participation, Title};
use crate::ids::{ClassId, ParticipationId, RoomId, TenantId, UserId};
use crate::join_link::JoinHash;
use crate::provider_events::ProviderSession;
use crate::video::Room;

const START: OffsetDateTime = datetime!(2030-03-04 18:00 UTC);
const END: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn user(raw: &str) -> UserId {
    UserId::parse(raw).unwrap()
}

fn min(m: i64) -> OffsetDateTime {
    START + Duration::minutes(m)
}

fn class(ended: bool) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(Uuid::from_u128(1)),
        tenant_id: TenantId::parse("acme").unwrap(),
        created_by: user("teacher"),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(Uuid::from_u128(2)),
        room: Room {
            provider: "daily".into(),
            external_id: "r".into(),
            join_url: "https://x/r".into(),
            host_url: None,
            password: None,
        },
        status: if ended {
            ClassStatus::Ended
        } else {
            ClassStatus::Live
        },
        scheduled_at: START,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::from_uuids(Uuid::from_u128(3), Uuid::from_u128(4)),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: vec![],
        started_at: Some(START),
        ended_at: ended.then_some(END),
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: START,
        updated_at: START,
    }
}

fn stay(who: &str, from: i64, to: Option<i64>) -> Participation {
    Participation {
        id: ParticipationId::from_uuid(Uuid::new_v4()),
        class_id: class(true).id,
        tenant_id: TenantId::parse("acme").unwrap(),
        user_id: user(who),
        user_name: Some(format!("{who} name")),
        role: if who == "teacher" {
            ParticipantRole::Teacher
        } else {
            ParticipantRole::Participant
        },
        joined_at: min(from),
        left_at: to.map(min),
    }
}

fn session(who: Option<&str>, key: &str, from: Option<i64>, to: Option<i64>) -> ProviderSession {
    ProviderSession {
        class_id: class(true).id,
        tenant_id: TenantId::parse("acme").unwrap(),
        provider: "daily".into(),
        key: key.into(),
        user_id: who.map(user),
        name: Some("from the provider".into()),
        joined_at: from.map(min),
        left_at: to.map(min),
    }
}

fn report(
    ended: bool,
    stays: &[Participation],
    sessions: &[ProviderSession],
    expected: &[&str],
    now: OffsetDateTime,
) -> AttendanceReport {
    let expected: Vec<UserId> = expected.iter().map(|u| user(u)).collect();
    compute(
        &class(ended),
        stays,
        sessions,
        &expected,
        now,
        &AttendancePolicy::default(),
    )
}

fn row<'a>(r: &'a AttendanceReport, who: &str) -> &'a AttendanceRow {
    r.rows.iter().find(|row| row.user_id == user(who)).unwrap()
}

#[test]
fn rejoins_are_merged_and_counted() {
    let r = report(
        true,
        &[stay("ada", 0, Some(10)), stay("ada", 20, Some(60))],
        &[],
        &[],
        END,
    );
    let ada = row(&r, "ada");
    assert_eq!(ada.seconds_present, 50 * 60);
    assert_eq!((ada.joins, ada.percent), (2, 83));
    assert_eq!(
        (ada.first_join, ada.last_leave),
        (Some(min(0)), Some(min(60)))
    );
    assert_eq!(ada.status, AttendanceStatus::Present);
    assert_eq!(ada.stays.len(), 2);
    assert_eq!(r.state, AttendanceState::Provisional);
    assert_eq!(r.duration_seconds, 3600);
}

#[test]
fn the_app_and_the_provider_seeing_the_same_minutes_count_them_once() {
    // LiveClass saw 0–30, the provider 5–35 and, in a second tab, 10–20.
    let r = report(
        true,
        &[stay("ada", 0, Some(30))],
        &[
            session(Some("ada"), "s1", Some(5), Some(35)),
            session(Some("ada"), "s2", Some(10), Some(20)),
        ],
        &[],
        END,
    );
    let ada = row(&r, "ada");
    assert_eq!(ada.seconds_present, 35 * 60);
    assert_eq!(ada.sources, [Source::App, Source::Provider]);
    assert_eq!(ada.joins, 1, "LiveClass's joins when it saw any");
    assert_eq!(ada.status, AttendanceStatus::LeftEarly);
}

#[test]
fn provider_only_attendance_counts_and_unmapped_or_joinless_sessions_do_not() {
    let r = report(
        true,
        &[],
        &[
            session(Some("bob"), "s1", Some(2), Some(58)),
            // Another join of bob's seen only by its leave: no start to count from.
            session(Some("bob"), "s2", None, Some(59)),
            // Nobody LiveClass knows.
            session(None, "s3", Some(0), Some(60)),
        ],
        &[],
        END,
    );
    assert_eq!(r.rows.len(), 1);
    let bob = row(&r, "bob");
    assert_eq!(bob.seconds_present, 56 * 60);
    assert_eq!(
        (bob.joins, bob.role),
        (1, None),
        "the joinless session is not counted"
    );
    assert_eq!(bob.sources, [Source::Provider]);
    assert_eq!(bob.name.as_deref(), Some("from the provider"));
}

#[test]
fn a_class_ended_with_people_inside_counts_them_to_its_end() {
    // The auto-end closes stays at the end; one still open (before the
    // close was stored) counts to the end too, never past it.
    let r = report(
        true,
        &[stay("ada", 3, None)],
        &[],
        &[],
        END + Duration::hours(5),
    );
    let ada = row(&r, "ada");
    assert_eq!(ada.seconds_present, 57 * 60);
    assert_eq!(ada.last_leave, Some(END));
    assert_eq!(ada.status, AttendanceStatus::Present);
}

#[test]
fn while_live_an_open_stay_runs_to_now_and_nobody_has_left_early() {
    let now = min(30);
    let r = report(
        false,
        &[stay("ada", 0, None), stay("bob", 1, Some(10))],
        &[],
        &[],
        now,
    );
    assert_eq!(r.state, AttendanceState::Live);
    assert_eq!(r.duration_seconds, 30 * 60);
    let ada = row(&r, "ada");
    assert_eq!((ada.seconds_present, ada.last_leave), (30 * 60, None));
    assert_eq!(ada.percent, 100);
    let bob = row(&r, "bob");
    assert_eq!(
        bob.status,
        AttendanceStatus::Present,
        "not judged before the end"
    );
}

#[test]
fn statuses_follow_the_grace_periods() {
    let r = report(
        true,
        &[
            stay("on-time", 5, Some(55)),
            stay("late", 6, Some(60)),
            stay("early", 0, Some(54)),
            stay("both", 10, Some(20)),
        ],
        &[],
        &["absent", "on-time"],
        END,
    );
    let status = |who: &str| row(&r, who).status;
    assert_eq!(status("on-time"), AttendanceStatus::Present);
    assert_eq!(status("late"), AttendanceStatus::Late);
    assert_eq!(status("early"), AttendanceStatus::LeftEarly);
    assert_eq!(status("both"), AttendanceStatus::Late, "late wins");
    let absent = row(&r, "absent");
    assert_eq!(absent.status, AttendanceStatus::Absent);
    assert_eq!((absent.seconds_present, absent.joins), (0, 0));
    // Everyone once; those who came in order of joining, then the absent.
    let order: Vec<&str> = r.rows.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(order, ["early", "on-time", "late", "both", "absent"]);
}

#[test]
fn stays_outside_the_class_are_clipped_to_it() {
    // The provider saw a join before the class started and a leave after it ended.
    let r = report(
        true,
        &[],
        &[session(Some("ada"), "s", Some(-10), Some(70))],
        &[],
        END,
    );
    let ada = row(&r, "ada");
    assert_eq!(ada.seconds_present, 3600);
    assert_eq!((ada.first_join, ada.last_leave), (Some(START), Some(END)));
    // Wholly outside: nothing.
    let r = report(
        true,
        &[],
        &[session(Some("ada"), "s", Some(-30), Some(-5))],
        &[],
        END,
    );
    assert!(r.rows.is_empty());
}

#[test]
fn a_class_not_started_reports_only_the_expected_as_absent() {
    let mut c = class(false);
    c.status = ClassStatus::Scheduled;
    c.started_at = None;
    let r = compute(
        &c,
        &[],
        &[],
        &[user("ada")],
        START,
        &AttendancePolicy::default(),
    );
    assert_eq!(r.state, AttendanceState::NotStarted);
    assert_eq!(r.duration_seconds, 0);
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].status, AttendanceStatus::Absent);
}

#[test]
fn union_seconds_merges_touching_and_nested_spans() {
    let s = |from: i64, to: i64| Stay {
        from: min(from),
        to: min(to),
        open: false,
        source: Source::App,
    };
    assert_eq!(union_seconds(&[]), 0);
    assert_eq!(union_seconds(&[s(0, 10), s(10, 20)]), 1200);
    assert_eq!(union_seconds(&[s(0, 30), s(5, 10), s(40, 45)]), 2100);
    assert_eq!(union_seconds(&[s(40, 45), s(0, 30)]), 2100);
}

#[test]
fn a_course_matrix_has_a_line_per_student_and_a_column_per_class() {
    let first = report(
        true,
        &[stay("teacher", 0, Some(60)), stay("ada", 0, Some(30))],
        &[],
        &["bob"],
        END,
    );
    let mut c = class(false);
    c.status = ClassStatus::Scheduled;
    c.started_at = None;
    let second = compute(
        &c,
        &[],
        &[],
        &[user("bob")],
        START,
        &AttendancePolicy::default(),
    );
    let course = crate::schedule::CourseId::parse("lab").unwrap();
    let m = course_matrix(course, vec![first, second], &[user("bob")]);
    let ids: Vec<&str> = m.rows.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(
        ids,
        ["ada", "bob"],
        "the teacher is no student; the roster is"
    );
    let ada = &m.rows[0];
    assert_eq!(ada.statuses, [Some(AttendanceStatus::LeftEarly), None]);
    assert_eq!(ada.seconds_per_class, [Some(1800), None]);
    assert_eq!(
        (ada.attended, ada.seconds_present, ada.percent),
        (1, 1800, 50)
    );
    let bob = &m.rows[1];
    assert_eq!(bob.statuses, [Some(AttendanceStatus::Absent), None]);
    assert_eq!((bob.attended, bob.percent), (0, 0));
}

#[test]
fn engagement_goes_to_its_attendee_and_nobody_else_gains_a_row() {
    let counts = [
        (
            user("ada"),
            Engagement {
                messages: 3,
                hand_raises: 1,
                ..Engagement::default()
            },
        ),
        (
            user("stranger"),
            Engagement {
                reactions: 9,
                ..Engagement::default()
            },
        ),
    ];
    let r = report(true, &[stay("ada", 0, Some(60))], &[], &["bob"], END).with_engagement(&counts);
    assert_eq!(row(&r, "ada").engagement, counts[0].1);
    assert_eq!(row(&r, "bob").engagement, Engagement::default());
    assert!(r.rows.iter().all(|x| x.user_id != user("stranger")));
}

mod reconciler {
    use std::sync::Arc;

    use mockall::predicate::eq;

    use super::*;
    use crate::admission::MockAdmissionRepository;
    use crate::class::ports::{MockClassRepository, MockParticipationRepository};
    use crate::clock::FixedClock;
    use crate::provider_events::{MockProviderEventRepository, MockProviderPayloads};
    use crate::roster::MockRosterRepository;
    use crate::video::{MockVideoProvider, VideoError};

    /// The mocks a reconciler reads; the class is `class(true)`, ended at
    /// `END`, and its report (for the summary) has no stays.
    #[derive(Default)]
    struct Mocks {
        classes: MockClassRepository,
        participations: MockParticipationRepository,
        sessions: MockProviderEventRepository,
        attendance: MockAttendanceRepository,
        video: MockVideoProvider,
    }

    fn pending(attempts: u32) -> Reconciliation {
        Reconciliation {
            class_id: class(true).id,
            tenant_id: TenantId::parse("acme").unwrap(),
            status: ReconciliationStatus::Pending,
            attempts,
            last_error: None,
            outcome: None,
        }
    }

    impl Mocks {
        fn claimed(mut self, r: Reconciliation) -> Self {
            self.attendance
                .expect_claim_reconciliations()
                .times(1)
                .return_once(move |_, _, _| Ok(vec![r]));
            self.classes
                .expect_find()
                .returning(|_, _| Ok(Some(class(true))));
            self
        }

        /// The report read for the summary: the class, nobody in it.
        fn report_read(mut self) -> Self {
            self.participations
                .expect_roster()
                .returning(|_, _, _| Ok(Some((class(true), vec![]))));
            self.sessions
                .expect_provider_sessions_of_class()
                .returning(|_| Ok(vec![]));
            self.attendance
                .expect_engagement_of_class()
                .returning(|_, _| Ok(vec![]));
            self.attendance
                .expect_reconciliations()
                .returning(|_, _| Ok(vec![]));
            self.attendance
                .expect_tenant_attendance_policy()
                .returning(|_| Ok(None));
            self
        }

        fn reconciler(mut self, now: OffsetDateTime) -> AttendanceReconciler {
            self.video.expect_name().return_const("daily");
            self.video
                .expect_capabilities()
                .returning(|| crate::video::Capabilities {
                    attendance: true,
                    ..Default::default()
                });
            let mut payloads = MockProviderPayloads::new();
            payloads
                .expect_user_key()
                .returning(|_, u| u.as_str().to_owned());
            AttendanceReconciler::new(
                AttendanceStores {
                    classes: Arc::new(self.classes),
                    participations: Arc::new(self.participations),
                    sessions: Arc::new(self.sessions),
                    rosters: Arc::new(MockRosterRepository::new()),
                    admissions: Arc::new(MockAdmissionRepository::new()),
                    attendance: Arc::new(self.attendance),
                },
                Arc::new(self.video),
                Arc::new(payloads),
                Arc::new(FixedClock::at(now)),
                (AttendancePolicy::default(), ReconcilePolicy::default()),
            )
        }
    }

    #[tokio::test]
    async fn within_the_settle_time_nothing_is_asked_and_it_comes_back_after_it() {
        let mut m = Mocks::default().claimed(pending(0));
        m.attendance
            .expect_reschedule_reconciliation()
            .with(
                eq(class(true).id),
                eq(END + time::Duration::minutes(2)),
                eq(None),
            )
            .times(1)
            .returning(|_, _, _| Ok(()));
        // No `attendance` expectation on the video mock: a call would panic.
        let run = m
            .reconciler(END + time::Duration::minutes(1))
            .run_once()
            .await
            .unwrap();
        assert_eq!(run.postponed, 1);
    }

    #[tokio::test]
    async fn a_failing_provider_is_asked_again_after_a_doubling_delay() {
        let mut m = Mocks::default().claimed(pending(2));
        m.video
            .expect_attendance()
            .times(1)
            .returning(|_, _| Err(VideoError::Unavailable("Daily is down".into())));
        let now = END + time::Duration::minutes(10);
        m.attendance
            .expect_reschedule_reconciliation()
            .withf(move |_, due, error| {
                // The third failure waits 1 min · 2² = 4 minutes.
                *due == now + time::Duration::minutes(4)
                    && error
                        .as_deref()
                        .is_some_and(|e| e.contains("Daily is down"))
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let run = m.reconciler(now).run_once().await.unwrap();
        assert_eq!(run.retried, 1);
    }

    #[tokio::test]
    async fn after_the_last_attempt_the_attendance_is_final_without_the_provider() {
        let mut m = Mocks::default().claimed(pending(7)).report_read();
        m.video
            .expect_attendance()
            .returning(|_, _| Err(VideoError::Unavailable("still down".into())));
        m.attendance
            .expect_reschedule_reconciliation()
            .times(1)
            .returning(|_, _, _| Ok(()));
        m.attendance
            .expect_finalize_reconciliation()
            .withf(|_, outcome, event| {
                outcome.report == ProviderReport::Unavailable
                    && event.as_ref().is_some_and(|e| {
                        e.event_type == crate::events::EventType::AttendanceFinalized
                            && e.data["attendance"]["providerReport"] == "unavailable"
                    })
            })
            .times(1)
            .returning(|_, _, _| Ok(true));
        let run = m
            .reconciler(END + time::Duration::hours(5))
            .run_once()
            .await
            .unwrap();
        assert_eq!((run.finalized, run.retried), (1, 0));
    }

    #[tokio::test]
    async fn the_providers_presences_are_merged_under_their_keys_with_their_users() {
        let mut m = Mocks::default().claimed(pending(0)).report_read();
        m.video.expect_attendance().times(1).returning(|_, _| {
            Ok(vec![crate::video::AttendanceRecord {
                key: "p-1".into(),
                user_hint: Some("ada".into()),
                name: Some("Ada".into()),
                joined_at: min(5),
                left_at: min(50),
            }])
        });
        m.participations
            .expect_list_for_class()
            .returning(|_, _, _| Ok(vec![stay("ada", 5, Some(20))]));
        m.sessions
            .expect_record_provider_session()
            .withf(|_, provider, session, user, joined, left| {
                provider == "daily"
                    && session.key == "p-1"
                    && user.as_ref().is_some_and(|u| u.as_str() == "ada")
                    && *joined == Some(min(5))
                    && *left == Some(min(50))
            })
            .times(1)
            .returning(|_, _, _, _, _, _| Ok(session(Some("ada"), "p-1", Some(5), Some(50))));
        m.attendance
            .expect_finalize_reconciliation()
            .withf(|_, outcome, _| outcome.report == ProviderReport::Fetched && outcome.rows == 1)
            .times(1)
            .returning(|_, _, _| Ok(true));
        let run = m
            .reconciler(END + time::Duration::minutes(3))
            .run_once()
            .await
            .unwrap();
        assert_eq!(run.finalized, 1);
    }
}
