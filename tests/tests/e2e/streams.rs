//! Live event streams (Server-Sent Events) over real HTTP, on SQLite and
//! PostgreSQL: events caused through the API arrive in order, a stream
//! resumes after `Last-Event-ID` or `lastEventId` without a gap or a
//! duplicate, a pruned id gets `event: reset`, and stream tokens open one
//! class's stream and nothing else.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_domain::events::ClassEventRepository;
use liveclass_persistence::DieselStore;
use liveclass_tests::sse::{SseEvent, SseStream};
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";
const WAIT: Duration = Duration::from_secs(5);

async fn new_class(app: &TestApp, teacher: &str) -> String {
    let created = app
        .post_json(
            "/live-classes",
            teacher,
            &json!({
                "title": "Streamed",
                "scheduledAt": "2030-11-20T14:00:00Z",
                "maxParticipants": 10
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn stream_request(app: &TestApp, class: &str, query: &str) -> reqwest::RequestBuilder {
    app.client
        .get(app.url(&format!("/live-classes/{class}/events{query}")))
}

fn seqs(events: &[SseEvent]) -> Vec<u64> {
    events.iter().map(SseEvent::seq).collect()
}

async fn a_stream_carries_the_events_caused_over_http(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &["student"]);
    let class = new_class(&app, &teacher).await;
    let mut stream = SseStream::open(stream_request(&app, &class, "").bearer_auth(&teacher)).await;
    let first = stream.take(1, WAIT).await;
    assert_eq!(stream.retry, Some(3000), "the retry hint comes first");
    assert_eq!(first[0].event.as_deref(), Some("class.created"));

    let start = app
        .post(&format!("/live-classes/{class}/start"), &teacher)
        .await;
    assert_eq!(start.status, 200, "{:?}", start.body);
    let join = app
        .post(&format!("/live-classes/{class}/join"), &student)
        .await;
    assert_eq!(join.status, 200, "{:?}", join.body);
    // The start seats the teacher: their join comes with it.
    let live = stream.take(3, WAIT).await;
    assert_eq!(seqs(&first), [1]);
    assert_eq!(seqs(&live), [2, 3, 4]);
    assert_eq!(live[0].event.as_deref(), Some("class.started"));
    assert_eq!(live[1].event.as_deref(), Some("participant.joined"));
    assert_eq!(
        live[1].json()["data"]["participation"]["userId"],
        "teacher-1"
    );
    assert_eq!(live[2].event.as_deref(), Some("participant.joined"));

    // Each `data:` is the JSON page's element, and `event:` its type.
    let page = app
        .get(&format!("/live-classes/{class}/events"), &teacher)
        .await;
    assert_eq!(page.status, 200);
    let elements = page.body["events"].as_array().unwrap().clone();
    let streamed: Vec<Value> = first.iter().chain(&live).map(SseEvent::json).collect();
    assert_eq!(streamed, elements);
    for event in first.iter().chain(&live) {
        assert_eq!(event.json()["type"].as_str(), event.event.as_deref());
    }
    assert!(stream.next(Duration::from_millis(300)).await.is_none());
}

async fn a_stream_resumes_without_gap_or_duplicate(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let class = new_class(&app, &teacher).await;
    app.post(&format!("/live-classes/{class}/start"), &teacher)
        .await;
    for i in 0..3 {
        let student = app.token(&format!("student-{i}"), TENANT, &["student"]);
        assert_eq!(
            app.post(&format!("/live-classes/{class}/join"), &student)
                .await
                .status,
            200
        );
    }
    // class.created, class.started, the teacher's join (the start seats
    // them), 3 joins: seq 1..=6.
    let mut all = SseStream::open(stream_request(&app, &class, "").bearer_auth(&teacher)).await;
    assert_eq!(seqs(&all.take(6, WAIT).await), [1, 2, 3, 4, 5, 6]);

    // The header.
    let mut header = SseStream::open(
        stream_request(&app, &class, "")
            .bearer_auth(&teacher)
            .header("Last-Event-ID", "2"),
    )
    .await;
    assert_eq!(seqs(&header.take(4, WAIT).await), [3, 4, 5, 6]);
    // The query, for a browser's first connection.
    let mut query =
        SseStream::open(stream_request(&app, &class, "?lastEventId=5").bearer_auth(&teacher)).await;
    assert_eq!(seqs(&query.take(1, WAIT).await), [6]);
    // The header wins over the query.
    let mut both = SseStream::open(
        stream_request(&app, &class, "?lastEventId=0")
            .bearer_auth(&teacher)
            .header("Last-Event-ID", "5"),
    )
    .await;
    assert_eq!(seqs(&both.take(1, WAIT).await), [6]);

    // Then the live ones, once each, on every stream.
    let late = app.token("student-late", TENANT, &["student"]);
    app.post(&format!("/live-classes/{class}/join"), &late)
        .await;
    app.post(&format!("/live-classes/{class}/leave"), &late)
        .await;
    for stream in [&mut all, &mut header, &mut query, &mut both] {
        assert_eq!(seqs(&stream.take(2, WAIT).await), [7, 8]);
        assert!(stream.next(Duration::from_millis(200)).await.is_none());
    }

    // A resume id that is not a sequence number is refused.
    for (query, header) in [("?lastEventId=x", None), ("", Some("-3"))] {
        let mut request = stream_request(&app, &class, query).bearer_auth(&teacher);
        if let Some(h) = header {
            request = request.header("Last-Event-ID", h);
        }
        let (status, body) = SseStream::try_open(request).await.err().unwrap();
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("validation_failed"), "{body}");
    }
}

async fn a_pruned_resume_id_gets_a_reset_then_the_oldest_kept(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let class = new_class(&app, &teacher).await;
    app.post(&format!("/live-classes/{class}/start"), &teacher)
        .await;
    // Created, started, the teacher seated by the start.
    let mut stream = SseStream::open(stream_request(&app, &class, "").bearer_auth(&teacher)).await;
    assert_eq!(seqs(&stream.take(3, WAIT).await), [1, 2, 3]);
    // Everything so far is pruned.
    let pruned = store
        .prune_events(time::OffsetDateTime::now_utc() + time::Duration::minutes(1))
        .await
        .unwrap();
    assert!(pruned >= 3, "pruned {pruned}");
    let student = app.token("student-1", TENANT, &["student"]);
    app.post(&format!("/live-classes/{class}/join"), &student)
        .await;
    // The open stream just goes on.
    assert_eq!(seqs(&stream.take(1, WAIT).await), [4]);

    let mut resumed = SseStream::open(
        stream_request(&app, &class, "")
            .bearer_auth(&teacher)
            .header("Last-Event-ID", "1"),
    )
    .await;
    let events = resumed.take(2, WAIT).await;
    assert_eq!(events[0].event.as_deref(), Some("reset"));
    assert_eq!(events[0].id, None);
    let reset = events[0].json();
    assert_eq!(reset["reload"], true);
    assert_eq!(reset["lastSeq"], 4);
    assert_eq!(events[1].seq(), 4, "then the oldest kept");
    assert!(resumed.next(Duration::from_millis(200)).await.is_none());

    // An id the log never reached (a restored database): a reset too, then
    // the live events.
    let mut ahead =
        SseStream::open(stream_request(&app, &class, "?lastEventId=999").bearer_auth(&teacher))
            .await;
    let reset = ahead.take(1, WAIT).await;
    assert_eq!(reset[0].event.as_deref(), Some("reset"));
    assert_eq!(reset[0].json()["lastSeq"], 4);
    app.post(&format!("/live-classes/{class}/leave"), &student)
        .await;
    assert_eq!(seqs(&ahead.take(1, WAIT).await), [5]);
    assert_eq!(seqs(&resumed.take(1, WAIT).await), [5]);
}

async fn stream_tokens_open_one_class_stream_and_nothing_else(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &["student"]);
    let class = new_class(&app, &teacher).await;
    let other_class = new_class(&app, &teacher).await;

    // Anyone of the tenant gets one; another tenant does not see the class.
    let issued = app
        .post(&format!("/live-classes/{class}/events/token"), &student)
        .await;
    assert_eq!(issued.status, 200, "{:?}", issued.body);
    let token = issued.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("lcst_"));
    assert_eq!(issued.body["liveClassId"], class.as_str());
    assert!(issued.body["expiresAt"].is_string());
    let stranger = app.token("x", "other-tenant", &["org_admin"]);
    let refused = app
        .post(&format!("/live-classes/{class}/events/token"), &stranger)
        .await;
    assert_eq!(refused.status, 404);
    assert_eq!(refused.body["code"], "class_not_found");
    let anonymous = app
        .send(
            app.client
                .post(app.url(&format!("/live-classes/{class}/events/token"))),
        )
        .await;
    assert_eq!(anonymous.status, 401);

    // It opens its class's stream, through `streamUrl` too.
    let url = issued.body["streamUrl"].as_str().unwrap();
    let mut stream = SseStream::open(app.client.get(app.url(url))).await;
    assert_eq!(stream.take(1, WAIT).await[0].seq(), 1);

    // And nothing else.
    let mut refusals = Vec::new();
    let other = SseStream::try_open(stream_request(
        &app,
        &other_class,
        &format!("?token={token}"),
    ))
    .await
    .err()
    .unwrap();
    refusals.push(("another class's stream", other.0, other.1));
    let json_page = app
        .send(
            app.client
                .get(app.url(&format!("/live-classes/{class}/events?token={token}"))),
        )
        .await;
    refusals.push((
        "the JSON page",
        json_page.status,
        json_page.body.to_string(),
    ));
    let json_page_with_bearer = app
        .get(
            &format!("/live-classes/{class}/events?token={token}"),
            &student,
        )
        .await;
    refusals.push((
        "the JSON page even with a bearer",
        json_page_with_bearer.status,
        json_page_with_bearer.body.to_string(),
    ));
    for (what, path) in [
        ("as a bearer on the class", format!("/live-classes/{class}")),
        (
            "as a bearer on the page",
            format!("/live-classes/{class}/events"),
        ),
        ("as a bearer on the list", "/live-classes".to_owned()),
    ] {
        let reply = app.get(&path, &token).await;
        refusals.push((what, reply.status, reply.body.to_string()));
    }
    let as_bearer_on_stream =
        SseStream::try_open(stream_request(&app, &class, "").bearer_auth(&token))
            .await
            .err()
            .unwrap();
    refusals.push((
        "as a bearer on the stream",
        as_bearer_on_stream.0,
        as_bearer_on_stream.1,
    ));
    let join = app
        .post(&format!("/live-classes/{class}/join"), &token)
        .await;
    refusals.push(("as a bearer on join", join.status, join.body.to_string()));
    // A bearer token is not a stream token.
    let bearer_as_token =
        SseStream::try_open(stream_request(&app, &class, &format!("?token={student}")))
            .await
            .err()
            .unwrap();
    refusals.push(("a bearer as ?token=", bearer_as_token.0, bearer_as_token.1));
    let forged = SseStream::try_open(stream_request(
        &app,
        &class,
        &format!("?token={}x", &token[..token.len() - 1]),
    ))
    .await
    .err()
    .unwrap();
    refusals.push(("a forged token", forged.0, forged.1));
    for (what, status, body) in refusals {
        assert_eq!(status, 401, "{what}: {body}");
        assert!(body.contains("invalid_token"), "{what}: {body}");
    }
}

on_both_backends!(
    a_stream_carries_the_events_caused_over_http,
    a_stream_resumes_without_gap_or_duplicate,
    a_pruned_resume_id_gets_a_reset_then_the_oldest_kept,
    stream_tokens_open_one_class_stream_and_nothing_else,
);
