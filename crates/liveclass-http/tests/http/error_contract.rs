//! What the handlers can return, against what the served OpenAPI document
//! says: every variant of every operation's domain error is answered over
//! HTTP by a mocked service, and its status and code must be documented for
//! that operation. The `covers_*` functions match every variant, so a new
//! variant does not compile until it is listed here.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::test as atest;
use anyhow::anyhow;
use liveclass_domain::Services;
use liveclass_domain::actual_times::{MockActualTimes, RecordActualTimeError as RecordE};
use liveclass_domain::calendar::{CalendarFeedError as FeedE, MockCalendars};
use liveclass_domain::class::errors::{
    CreateClassError as CreateE, GetClassError as GetE, IssueTokenError as TokenE,
    JoinClassError as JoinE, LeaveClassError as LeaveE, ListClassesError as ListE,
    SetRecordingError as RecordingE, TransitionClassError as TransitionE,
    UpdateClassError as UpdateE,
};
use liveclass_domain::class::{ClassPolicy, ClassStatus, MockLiveClasses, TransitionError};
use liveclass_domain::events::{ListEventsError as EventsE, MockClassEvents};
use liveclass_domain::join_link::{FollowJoinLinkError as FollowE, MockJoinLinks};
use liveclass_domain::schedule::errors::{
    CreateScheduleError as CreateScheduleE, DeleteScheduleError as DeleteScheduleE,
    GetScheduleError as GetScheduleE, ListSchedulesError as ListSchedulesE,
    UpdateScheduleError as UpdateScheduleE,
};
use liveclass_domain::schedule::{MockSchedules, SchedulePolicy, TooManyOccurrences};
use liveclass_domain::store::RepoError;
use liveclass_domain::validation::{Field, ValidationError};
use liveclass_domain::video::VideoError;
use liveclass_http::TokenIssuer;
use serde_json::{Value, json};

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";
const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn stores() -> Vec<RepoError> {
    vec![
        RepoError::Unavailable(anyhow!("pool timed out")),
        RepoError::Unexpected(anyhow!("a bug")),
    ]
}

fn videos() -> Vec<VideoError> {
    vec![
        VideoError::RateLimited { retry_after: None },
        VideoError::Unavailable("down".into()),
        VideoError::Unauthorized,
    ]
}

fn invalid() -> ValidationError {
    ValidationError::new(Field::Title, "must not be empty")
}

fn transitions() -> Vec<TransitionE> {
    let mut all = vec![
        TransitionE::NotFound,
        TransitionE::Refused(TransitionError::NotCreator { action: "start" }),
        TransitionE::Refused(TransitionError::InvalidTransition {
            action: "start",
            from: ClassStatus::Live,
            to: ClassStatus::Live,
        }),
    ];
    all.extend(stores().into_iter().map(TransitionE::Store));
    all
}

fn joins() -> Vec<JoinE> {
    let mut all = vec![
        JoinE::NotFound,
        JoinE::NotLive(ClassStatus::Scheduled),
        JoinE::Full { capacity: 3 },
        JoinE::NotOnRoster,
        JoinE::NotApproved,
        JoinE::Removed,
    ];
    all.extend(videos().into_iter().map(JoinE::Video));
    all.extend(stores().into_iter().map(JoinE::Store));
    all
}

// Exhaustive matches: a new variant fails to compile until it is sampled.
#[allow(dead_code, clippy::too_many_arguments)]
fn covers_all(
    a: &CreateE,
    b: &ListE,
    c: &GetE,
    d: &TransitionE,
    e: &JoinE,
    f: &LeaveE,
    g: &RecordingE,
    h: &UpdateE,
    i: &TokenE,
    j: &RecordE,
    k: &FollowE,
    l: &FeedE,
    m: &CreateScheduleE,
    n: &ListSchedulesE,
    o: &GetScheduleE,
    p: &UpdateScheduleE,
    q: &DeleteScheduleE,
) {
    match a {
        CreateE::Invalid(_) | CreateE::Forbidden | CreateE::TenantMismatch => {}
        CreateE::Video(_) | CreateE::Store(_) => {}
    }
    match b {
        ListE::Invalid(_) | ListE::Store(_) => {}
    }
    match c {
        GetE::NotFound | GetE::Store(_) => {}
    }
    match d {
        TransitionE::NotFound | TransitionE::Refused(_) | TransitionE::Store(_) => {}
    }
    match e {
        JoinE::NotFound | JoinE::NotLive(_) | JoinE::Full { .. } | JoinE::NotOnRoster => {}
        JoinE::NotApproved | JoinE::Removed => {}
        JoinE::Video(_) | JoinE::Store(_) => {}
    }
    match f {
        LeaveE::NotFound | LeaveE::NotParticipating | LeaveE::Store(_) => {}
    }
    match g {
        RecordingE::Invalid(_) | RecordingE::Forbidden | RecordingE::NotFound => {}
        RecordingE::NotEnded(_) | RecordingE::AlreadySet | RecordingE::Store(_) => {}
    }
    match h {
        UpdateE::Invalid(_) | UpdateE::NotFound | UpdateE::NotCreator => {}
        UpdateE::Finished(_) | UpdateE::BelowActive { .. } => {}
        UpdateE::Video(_) | UpdateE::Store(_) => {}
    }
    match i {
        TokenE::NotFound | TokenE::NotLive(_) | TokenE::NotAdmitted | TokenE::Removed => {}
        TokenE::Video(_) | TokenE::Store(_) => {}
    }
    match j {
        RecordE::Forbidden | RecordE::NotFound | RecordE::Cancelled => {}
        RecordE::StartedAtAlreadySet | RecordE::StartedAtNotNow | RecordE::StartedAtNotSet => {}
        RecordE::EndedAtAlreadySet | RecordE::EndedAtBeforeStart => {}
        RecordE::EndedAtTooSoon { .. } | RecordE::EndedAtTooOld | RecordE::EndedAtInFuture => {}
        RecordE::Store(_) => {}
    }
    match k {
        FollowE::NotFound | FollowE::Ended | FollowE::Cancelled => {}
        FollowE::Join(_) | FollowE::Start(_) | FollowE::Store(_) => {}
    }
    match l {
        FeedE::NotFound | FeedE::Invalid(_) | FeedE::Store(_) => {}
    }
    match m {
        CreateScheduleE::Invalid(_) | CreateScheduleE::Forbidden => {}
        CreateScheduleE::TooManyOccurrences(_) => {}
        CreateScheduleE::Video(_) | CreateScheduleE::Store(_) => {}
    }
    match n {
        ListSchedulesE::Invalid(_) | ListSchedulesE::Forbidden | ListSchedulesE::Store(_) => {}
    }
    match o {
        GetScheduleE::Forbidden | GetScheduleE::NotFound | GetScheduleE::Store(_) => {}
    }
    match p {
        UpdateScheduleE::Invalid(_) | UpdateScheduleE::Forbidden | UpdateScheduleE::NotFound => {}
        UpdateScheduleE::TooManyOccurrences(_) => {}
        UpdateScheduleE::Video(_) | UpdateScheduleE::Store(_) => {}
    }
    match q {
        DeleteScheduleE::Forbidden | DeleteScheduleE::NotFound | DeleteScheduleE::Store(_) => {}
    }
}

/// One request to one operation, answered with one domain error.
struct Case {
    /// The operation as the document names it: `POST /live-classes`.
    operation: String,
    method: Method,
    uri: String,
    body: Option<Value>,
    services: Services,
}

fn case(
    method: Method,
    template: &str,
    uri: String,
    body: Option<Value>,
    services: Services,
) -> Case {
    Case {
        operation: format!("{method} {template}"),
        method,
        uri,
        body,
        services,
    }
}

/// `mock` answers with each error of `errors`, each in its own case.
macro_rules! cases {
    ($out:ident, $method:expr, $template:expr, $uri:expr, $body:expr, $errors:expr,
     |$e:ident| $services:expr) => {
        for $e in $errors {
            let $e = std::sync::Mutex::new(Some($e));
            $out.push(case(
                $method,
                $template,
                $uri.clone(),
                $body.clone(),
                $services,
            ));
        }
    };
}

fn take<T>(slot: &std::sync::Mutex<Option<T>>) -> T {
    slot.lock().unwrap().take().expect("called once")
}

fn with_classes(mock: MockLiveClasses) -> Services {
    Services {
        live_classes: Arc::new(mock),
        ..common::mocked_services()
    }
}

fn with_schedules(mock: MockSchedules) -> Services {
    Services {
        schedules: Arc::new(mock),
        ..common::mocked_services()
    }
}

fn classes_mock() -> MockLiveClasses {
    let mut mock = MockLiveClasses::new();
    mock.expect_policy().return_const(ClassPolicy::default());
    mock
}

fn schedules_mock() -> MockSchedules {
    let mut mock = MockSchedules::new();
    mock.expect_policy().return_const(SchedulePolicy::default());
    mock
}

#[allow(clippy::too_many_lines)]
fn all_cases() -> Vec<Case> {
    let class = format!("/live-classes/{ID}");
    let schedule = format!("/schedules/{ID}");
    let mut out = Vec::new();

    let mut creates = vec![
        CreateE::Invalid(invalid()),
        CreateE::Forbidden,
        CreateE::TenantMismatch,
    ];
    creates.extend(videos().into_iter().map(CreateE::Video));
    creates.extend(stores().into_iter().map(CreateE::Store));
    let body = json!({"title": "Rust", "scheduledAt": "2030-01-01T10:00:00Z"});
    cases!(
        out,
        Method::POST,
        "/live-classes",
        String::from("/live-classes"),
        Some(body.clone()),
        creates,
        |e| {
            let mut m = classes_mock();
            m.expect_create().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut lists = vec![ListE::Invalid(invalid())];
    lists.extend(stores().into_iter().map(ListE::Store));
    cases!(
        out,
        Method::GET,
        "/live-classes",
        String::from("/live-classes"),
        None,
        lists,
        |e| {
            let mut m = classes_mock();
            m.expect_list().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let gets = || {
        let mut all = vec![GetE::NotFound];
        all.extend(stores().into_iter().map(GetE::Store));
        all
    };
    cases!(
        out,
        Method::GET,
        "/live-classes/{liveClassId}",
        class.clone(),
        None,
        gets(),
        |e| {
            let mut m = classes_mock();
            m.expect_get().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );
    cases!(
        out,
        Method::GET,
        "/live-classes/{liveClassId}/participants",
        format!("{class}/participants"),
        None,
        gets(),
        |e| {
            let mut m = classes_mock();
            m.expect_participants().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let event_reads = || {
        let mut all = vec![EventsE::NotFound, EventsE::Invalid(invalid())];
        all.extend(stores().into_iter().map(EventsE::Store));
        all
    };
    cases!(
        out,
        Method::GET,
        "/live-classes/{liveClassId}/events",
        format!("{class}/events"),
        None,
        event_reads(),
        |e| {
            let mut m = MockClassEvents::new();
            m.expect_list().returning(move |_, _, _, _| Err(take(&e)));
            Services {
                class_events: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );

    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/start",
        format!("{class}/start"),
        None,
        transitions(),
        |e| {
            let mut m = classes_mock();
            m.expect_start().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );
    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/end",
        format!("{class}/end"),
        None,
        transitions(),
        |e| {
            let mut m = classes_mock();
            m.expect_end().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );
    cases!(
        out,
        Method::DELETE,
        "/live-classes/{liveClassId}",
        class.clone(),
        None,
        transitions(),
        |e| {
            let mut m = classes_mock();
            m.expect_cancel().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/join",
        format!("{class}/join"),
        None,
        joins(),
        |e| {
            let mut m = classes_mock();
            m.expect_join().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut leaves = vec![LeaveE::NotFound, LeaveE::NotParticipating];
    leaves.extend(stores().into_iter().map(LeaveE::Store));
    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/leave",
        format!("{class}/leave"),
        None,
        leaves,
        |e| {
            let mut m = classes_mock();
            m.expect_leave().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut recordings = vec![
        RecordingE::Invalid(invalid()),
        RecordingE::Forbidden,
        RecordingE::NotFound,
        RecordingE::NotEnded(ClassStatus::Live),
        RecordingE::AlreadySet,
    ];
    recordings.extend(stores().into_iter().map(RecordingE::Store));
    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/recording",
        format!("{class}/recording"),
        Some(json!({"recordingUrl": "https://files.example/r.mp4"})),
        recordings,
        |e| {
            let mut m = classes_mock();
            m.expect_set_recording()
                .returning(move |_, _, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut updates = vec![
        UpdateE::Invalid(invalid()),
        UpdateE::NotFound,
        UpdateE::NotCreator,
        UpdateE::Finished(ClassStatus::Ended),
        UpdateE::BelowActive { active: 4 },
    ];
    updates.extend(videos().into_iter().map(UpdateE::Video));
    updates.extend(stores().into_iter().map(UpdateE::Store));
    cases!(
        out,
        Method::PATCH,
        "/live-classes/{liveClassId}",
        class.clone(),
        Some(json!({"title": "Rust 2"})),
        updates,
        |e| {
            let mut m = classes_mock();
            m.expect_update().returning(move |_, _, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut tokens = vec![
        TokenE::NotFound,
        TokenE::NotLive(ClassStatus::Ended),
        TokenE::NotAdmitted,
        TokenE::Removed,
    ];
    tokens.extend(videos().into_iter().map(TokenE::Video));
    tokens.extend(stores().into_iter().map(TokenE::Store));
    cases!(
        out,
        Method::POST,
        "/live-classes/{liveClassId}/token",
        format!("{class}/token"),
        None,
        tokens,
        |e| {
            let mut m = classes_mock();
            m.expect_issue_token().returning(move |_, _| Err(take(&e)));
            with_classes(m)
        }
    );

    let mut records = vec![
        RecordE::Forbidden,
        RecordE::NotFound,
        RecordE::Cancelled,
        RecordE::StartedAtAlreadySet,
        RecordE::StartedAtNotNow,
        RecordE::StartedAtNotSet,
        RecordE::EndedAtAlreadySet,
        RecordE::EndedAtBeforeStart,
        RecordE::EndedAtTooSoon { minutes: 30 },
        RecordE::EndedAtTooOld,
        RecordE::EndedAtInFuture,
    ];
    records.extend(stores().into_iter().map(RecordE::Store));
    cases!(
        out,
        Method::PUT,
        "/live-classes/{liveClassId}/actual-times",
        format!("{class}/actual-times"),
        Some(json!({"startedAt": "2030-01-01T10:00:00Z"})),
        records,
        |e| {
            let mut m = MockActualTimes::new();
            m.expect_record().returning(move |_, _, _| Err(take(&e)));
            Services {
                actual_times: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );

    let mut follows = vec![FollowE::NotFound, FollowE::Ended, FollowE::Cancelled];
    follows.extend(joins().into_iter().map(FollowE::Join));
    follows.extend(transitions().into_iter().map(FollowE::Start));
    follows.extend(stores().into_iter().map(FollowE::Store));
    cases!(
        out,
        Method::GET,
        "/join/{joinHash}",
        format!("/join/{HASH}"),
        None,
        follows,
        |e| {
            let mut m = MockJoinLinks::new();
            m.expect_follow().returning(move |_, _| Err(take(&e)));
            Services {
                join_links: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );

    let feeds = || {
        let mut all = vec![FeedE::NotFound, FeedE::Invalid(invalid())];
        all.extend(stores().into_iter().map(FeedE::Store));
        all
    };
    cases!(
        out,
        Method::GET,
        "/calendar/courses/{courseId}.ics",
        format!("/calendar/courses/rust-101.ics?token={HASH}"),
        None,
        feeds(),
        |e| {
            let mut m = MockCalendars::new();
            m.expect_course_feed().returning(move |_, _| Err(take(&e)));
            Services {
                calendars: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );
    cases!(
        out,
        Method::GET,
        "/calendar/me.ics",
        format!("/calendar/me.ics?token={HASH}"),
        None,
        feeds(),
        |e| {
            let mut m = MockCalendars::new();
            m.expect_user_feed().returning(move |_| Err(take(&e)));
            Services {
                calendars: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );
    cases!(
        out,
        Method::POST,
        "/calendar/tokens",
        String::from("/calendar/tokens"),
        None,
        stores(),
        |e| {
            let mut m = MockCalendars::new();
            m.expect_issue_token().returning(move |_| Err(take(&e)));
            Services {
                calendars: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );
    cases!(
        out,
        Method::DELETE,
        "/calendar/tokens",
        String::from("/calendar/tokens"),
        None,
        stores(),
        |e| {
            let mut m = MockCalendars::new();
            m.expect_revoke_tokens().returning(move |_| Err(take(&e)));
            Services {
                calendars: Arc::new(m),
                ..common::mocked_services()
            }
        }
    );

    let schedule_body = json!({
        "courseId": "rust-101", "title": "Rust", "timezone": "Europe/Madrid",
        "startTime": "14:00", "durationMinutes": 60,
        "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MO"]},
        "startsOn": "2030-03-01", "endsOn": "2030-04-30"
    });
    let mut schedule_creates = vec![
        CreateScheduleE::Invalid(invalid()),
        CreateScheduleE::Forbidden,
        CreateScheduleE::TooManyOccurrences(TooManyOccurrences { max: 500 }),
    ];
    schedule_creates.extend(videos().into_iter().map(CreateScheduleE::Video));
    schedule_creates.extend(stores().into_iter().map(CreateScheduleE::Store));
    cases!(
        out,
        Method::POST,
        "/schedules",
        String::from("/schedules"),
        Some(schedule_body.clone()),
        schedule_creates,
        |e| {
            let mut m = schedules_mock();
            m.expect_create().returning(move |_, _| Err(take(&e)));
            with_schedules(m)
        }
    );
    let mut schedule_lists = vec![
        ListSchedulesE::Invalid(invalid()),
        ListSchedulesE::Forbidden,
    ];
    schedule_lists.extend(stores().into_iter().map(ListSchedulesE::Store));
    cases!(
        out,
        Method::GET,
        "/schedules",
        String::from("/schedules"),
        None,
        schedule_lists,
        |e| {
            let mut m = schedules_mock();
            m.expect_list().returning(move |_, _| Err(take(&e)));
            with_schedules(m)
        }
    );
    let mut schedule_gets = vec![GetScheduleE::Forbidden, GetScheduleE::NotFound];
    schedule_gets.extend(stores().into_iter().map(GetScheduleE::Store));
    cases!(
        out,
        Method::GET,
        "/schedules/{scheduleId}",
        schedule.clone(),
        None,
        schedule_gets,
        |e| {
            let mut m = schedules_mock();
            m.expect_get().returning(move |_, _| Err(take(&e)));
            with_schedules(m)
        }
    );
    let mut schedule_updates = vec![
        UpdateScheduleE::Invalid(invalid()),
        UpdateScheduleE::Forbidden,
        UpdateScheduleE::NotFound,
        UpdateScheduleE::TooManyOccurrences(TooManyOccurrences { max: 500 }),
    ];
    schedule_updates.extend(videos().into_iter().map(UpdateScheduleE::Video));
    schedule_updates.extend(stores().into_iter().map(UpdateScheduleE::Store));
    cases!(
        out,
        Method::PATCH,
        "/schedules/{scheduleId}",
        schedule.clone(),
        Some(json!({"title": "Rust 2"})),
        schedule_updates,
        |e| {
            let mut m = schedules_mock();
            m.expect_update().returning(move |_, _, _| Err(take(&e)));
            with_schedules(m)
        }
    );
    let mut schedule_deletes = vec![DeleteScheduleE::Forbidden, DeleteScheduleE::NotFound];
    schedule_deletes.extend(stores().into_iter().map(DeleteScheduleE::Store));
    cases!(
        out,
        Method::DELETE,
        "/schedules/{scheduleId}",
        schedule,
        None,
        schedule_deletes,
        |e| {
            let mut m = schedules_mock();
            m.expect_delete().returning(move |_, _| Err(take(&e)));
            with_schedules(m)
        }
    );
    out
}

/// The codes `document` lists for `operation` under `key`.
fn documented(document: &Value, operation: &str, key: &str) -> Vec<String> {
    let (method, path) = operation.split_once(' ').unwrap();
    document["paths"][path][method.to_lowercase()]["responses"][key]["x-error-codes"]
        .as_array()
        .map(|a| a.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn every_error_a_handler_can_answer_is_documented_for_its_operation() {
    let token = TokenIssuer::hs256(common::SECRET, None, None)
        .mint("teacher-1", "tenant-a", &["training_manager"], None, 600)
        .unwrap();
    let mut document: Option<Value> = None;
    let mut checked = 0;
    for case in all_cases() {
        let app = atest::init_service(liveclass_http::app(common::state(
            case.services,
            &common::hs256(),
        )))
        .await;
        // The document as served.
        let document = match &document {
            Some(d) => d,
            None => {
                let res = atest::call_service(
                    &app,
                    atest::TestRequest::get().uri("/openapi.json").to_request(),
                )
                .await;
                document.insert(atest::read_body_json(res).await)
            }
        };
        let mut req = atest::TestRequest::default()
            .method(case.method.clone())
            .uri(&case.uri)
            .insert_header(("Authorization", format!("Bearer {token}")));
        if let Some(body) = &case.body {
            req = req.set_json(body);
        }
        let res = atest::call_service(&app, req.to_request()).await;
        let status = res.status();
        let body: Value = atest::read_body_json(res).await;
        let code = body["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {body}", case.operation));
        assert_eq!(
            body["statusCode"],
            status.as_u16(),
            "{}: {body}",
            case.operation
        );
        let listed = documented(document, &case.operation, status.as_str());
        let by_default = documented(document, &case.operation, "default");
        assert!(
            listed.iter().chain(&by_default).any(|c| c == code),
            "{} answers {status} `{code}`, which its OpenAPI responses do not document",
            case.operation
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} cases ran");
}
