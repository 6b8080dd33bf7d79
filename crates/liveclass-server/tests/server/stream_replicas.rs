//! Live streams across processes on PostgreSQL: a stream opened on one
//! `server` process sees, within a second, an event caused through another
//! (the second process's sequencer is slowed down to 10 s, so only the
//! `LISTEN` wake-up can be that fast); and when the listener's connection
//! is killed, it reconnects and the stream still gets later events.

#![allow(clippy::unwrap_used)]

use crate::common;
#[allow(dead_code)]
#[path = "../../../../tests/support/sse.rs"]
mod sse;

use std::time::{Duration, Instant};

use common::{SECRET, ServerProcess};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use liveclass_http::TokenIssuer;
use liveclass_persistence::LISTENER_APPLICATION_NAME;
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};
use sse::SseStream;

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// The pids of the event listeners connected to `db`.
fn listener_pids(db: &TestDatabase) -> Vec<i32> {
    let mut conn = PgConnection::establish(&db.url).unwrap();
    let mut pids: Vec<i32> = diesel::sql_query(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind::<diesel::sql_types::Text, _>(LISTENER_APPLICATION_NAME)
    .load::<Pid>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|p| p.pid)
    .collect();
    pids.sort_unstable();
    pids
}

async fn wait_for_listeners(db: &TestDatabase, n: usize, not: &[i32]) -> Vec<i32> {
    for _ in 0..100 {
        let pids = listener_pids(db);
        if pids.len() == n && pids.iter().all(|p| !not.contains(p)) {
            return pids;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{n} new listeners never connected: {:?}", listener_pids(db));
}

#[tokio::test]
async fn a_stream_on_one_process_sees_joins_made_through_another() {
    let Some(db) =
        TestDatabase::postgres("a_stream_on_one_process_sees_joins_made_through_another")
    else {
        return;
    };
    let env = |interval: &'static str| {
        [
            ("LIVECLASS_DATABASE_URL", db.url.clone()),
            ("LIVECLASS_JWT_SECRET", SECRET.to_owned()),
            ("LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS", interval.to_owned()),
        ]
    };
    let a_env = env("100");
    let b_env = env("10000");
    let a = ServerProcess::start(
        &a_env
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    );
    let b = ServerProcess::start(
        &b_env
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    );
    let first_listeners = wait_for_listeners(&db, 2, &[]).await;

    liveclass_video::install_crypto_provider();
    let client = reqwest::Client::new();
    let issuer = TokenIssuer::hs256(SECRET.as_bytes(), None, None);
    let teacher = issuer
        .mint("teacher", "acme", &["training_manager"], None, 600)
        .unwrap();
    let created: Value = client
        .post(a.url("/live-classes"))
        .bearer_auth(&teacher)
        .json(&json!({"title": "Replicas", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": 50}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let class = created["id"].as_str().unwrap().to_owned();
    let started = client
        .post(a.url(&format!("/live-classes/{class}/start")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);

    // A browser's way in: a stream token issued by A opens the stream on B.
    let token: Value = client
        .post(a.url(&format!("/live-classes/{class}/events/token")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap();
    let mut stream = SseStream::open(client.get(b.url(&format!(
        "/live-classes/{class}/events?token={token}&lastEventId=0"
    ))))
    .await;
    // Created, started, and the teacher seated by the start.
    let caught_up = stream.take(3, Duration::from_secs(12)).await;
    assert_eq!(
        caught_up.iter().map(sse::SseEvent::seq).collect::<Vec<_>>(),
        [1, 2, 3]
    );

    let join = |i: usize| {
        let token = issuer
            .mint(&format!("student-{i}"), "acme", &[], None, 600)
            .unwrap();
        let request = client
            .post(a.url(&format!("/live-classes/{class}/join")))
            .bearer_auth(token);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            Instant::now()
        }
    };
    let mut seq = 3;
    for i in 0..3 {
        let joined = join(i).await;
        let event = stream
            .next(Duration::from_secs(1))
            .await
            .unwrap_or_else(|| panic!("join {i} through A did not reach B's stream within 1 s"));
        seq += 1;
        assert_eq!(event.seq(), seq);
        assert_eq!(event.event.as_deref(), Some("participant.joined"));
        assert!(joined.elapsed() < Duration::from_secs(1));
    }

    // Kill both listeners' connections: they reconnect (new backends) and
    // the stream still gets later events.
    let mut admin = PgConnection::establish(&db.url).unwrap();
    diesel::sql_query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()")
        .bind::<diesel::sql_types::Text, _>(LISTENER_APPLICATION_NAME)
        .execute(&mut admin)
        .unwrap();
    let second_listeners = wait_for_listeners(&db, 2, &first_listeners).await;
    assert_ne!(first_listeners, second_listeners);
    for i in 3..5 {
        join(i).await;
        let event = stream
            .next(Duration::from_secs(2))
            .await
            .unwrap_or_else(|| panic!("join {i} after the listener was killed never came"));
        seq += 1;
        assert_eq!(event.seq(), seq, "no gap, no duplicate");
    }
    assert!(stream.next(Duration::from_millis(300)).await.is_none());
    assert!(a.error_lines().is_empty(), "{:?}", a.error_lines());
    assert!(b.error_lines().is_empty(), "{:?}", b.error_lines());
    let logged = b.lines.lock().unwrap().join("\n");
    assert!(
        logged.contains("the event listener lost its connection"),
        "{logged}"
    );
}
