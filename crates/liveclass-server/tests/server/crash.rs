//! Crash safety of joins: the `server` binary is killed with SIGKILL in the
//! middle of a burst of joins, restarted on the same PostgreSQL database,
//! and the database must hold every join that was answered, within capacity,
//! with no seat or participation left half-written; the new process starts
//! cleanly and admits again.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{SECRET, ServerProcess};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use liveclass_http::TokenIssuer;
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const JOINS: usize = 300;
const CAPACITY: usize = 200;
/// The server is killed once this many joins have been answered 200.
const KILL_AFTER: usize = 40;
/// Joins in flight at once, so the burst lasts past the kill.
const IN_FLIGHT: usize = 24;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    let mut conn = db.pool.get().unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// The class's participants as the database has them: (user, active).
fn participations(db: &TestDatabase, class: &str) -> Vec<(String, bool)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        user_id: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        active: bool,
    }
    let mut conn = db.pool.get().unwrap();
    diesel::sql_query(format!(
        "SELECT user_id, left_at IS NULL AS active FROM participations WHERE class_id = '{class}'"
    ))
    .load::<Row>(&mut *conn)
    .unwrap()
    .into_iter()
    .map(|r| (r.user_id, r.active))
    .collect()
}

/// No seat or participation half-written: every active participation holds
/// its seat, every taken seat is held by an active participation of its
/// class, and the live class has exactly `capacity` seats.
fn assert_seats_consistent(db: &TestDatabase, class: &str) {
    let unseated = count(
        db,
        &format!(
            "SELECT count(*) AS n FROM participations p WHERE p.class_id = '{class}' \
             AND p.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM class_seats s \
             WHERE s.class_id = p.class_id AND s.seat_no = p.seat_no AND s.participation_id = p.id)"
        ),
    );
    assert_eq!(unseated, 0, "active participations without their seat");
    let orphaned = count(
        db,
        &format!(
            "SELECT count(*) AS n FROM class_seats s WHERE s.class_id = '{class}' \
             AND s.participation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM participations p \
             WHERE p.id = s.participation_id AND p.class_id = s.class_id AND p.left_at IS NULL)"
        ),
    );
    assert_eq!(orphaned, 0, "seats held by no active participation");
    let seats = count(
        db,
        &format!("SELECT count(*) AS n FROM class_seats WHERE class_id = '{class}'"),
    );
    assert_eq!(
        seats,
        i64::try_from(CAPACITY).unwrap(),
        "seats of the class"
    );
    let over = count(
        db,
        "SELECT count(*) AS n FROM live_classes c WHERE (SELECT count(*) FROM participations p \
         WHERE p.class_id = c.id AND p.left_at IS NULL) > c.max_participants",
    );
    assert_eq!(over, 0, "classes above capacity");
}

async fn join(client: &reqwest::Client, url: &str, token: &str) -> Result<u16, reqwest::Error> {
    let response = client.post(url).bearer_auth(token).send().await?;
    let status = response.status().as_u16();
    // The answer counts once its body is read in full.
    let _body: Value = response.json().await?;
    Ok(status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_join_burst_loses_no_answered_join() {
    let Some(db) =
        TestDatabase::postgres("a_server_killed_during_a_join_burst_loses_no_answered_join")
    else {
        return;
    };
    let env = [
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "2"),
        ("LIVECLASS_DB_POOL_SIZE", "8"),
    ];
    let mut first = ServerProcess::start(&env);

    let issuer = TokenIssuer::hs256(SECRET.as_bytes(), None, None);
    let teacher = issuer
        .mint("teacher", "acme", &["training_manager"], None, 600)
        .unwrap();
    liveclass_video::install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let created: Value = client
        .post(first.url("/live-classes"))
        .bearer_auth(&teacher)
        .json(&json!({"title": "Crash class", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": CAPACITY}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cid = created["id"].as_str().unwrap().to_owned();
    let started = client
        .post(first.url(&format!("/live-classes/{cid}/start")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);

    // The burst: every student joins once, IN_FLIGHT at a time; the server
    // is killed (SIGKILL) once KILL_AFTER joins have been admitted.
    let url = first.url(&format!("/live-classes/{cid}/join"));
    let admitted = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(tokio::sync::Notify::new());
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let tasks: Vec<_> = (0..JOINS)
        .map(|i| {
            let student = format!("student-{i}");
            let token = issuer.mint(&student, "acme", &[], None, 600).unwrap();
            let (client, url) = (client.clone(), url.clone());
            let (admitted, killed, gate) = (admitted.clone(), killed.clone(), gate.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire().await.unwrap();
                let answer = join(&client, &url, &token).await;
                if matches!(answer, Ok(200))
                    && admitted.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER
                {
                    killed.notify_one();
                }
                (student, answer.ok())
            })
        })
        .collect();
    tokio::time::timeout(Duration::from_secs(60), killed.notified())
        .await
        .expect("the burst never reached the kill point");
    first.child.kill().unwrap();
    first.child.wait().unwrap();

    let mut answered = BTreeSet::new();
    let mut unanswered = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            (student, Some(200)) => {
                answered.insert(student);
            }
            (_, Some(409)) => {}
            (student, Some(status)) => panic!("{student}'s join answered {status}"),
            (student, None) => unanswered.push(student),
        }
    }
    assert!(
        !unanswered.is_empty(),
        "the kill landed after the burst: every join was answered"
    );
    assert!(answered.len() >= KILL_AFTER && answered.len() <= CAPACITY);

    // Every answered join is in the database, the class within capacity,
    // no seat half-taken.
    let rows = participations(&db, &cid);
    let in_db: BTreeSet<&str> = rows
        .iter()
        .filter(|(_, active)| *active)
        .map(|(u, _)| u.as_str())
        .collect();
    for student in &answered {
        assert!(
            in_db.contains(student.as_str()),
            "{student} was admitted (200) but has no active participation"
        );
    }
    assert_seats_consistent(&db, &cid);

    // A new process on the same database starts cleanly and admits again:
    // the students whose join went unanswered retry, and the class fills to
    // exactly its capacity.
    let second = ServerProcess::start(&env);
    let url = second.url(&format!("/live-classes/{cid}/join"));
    let mut retried = std::collections::BTreeMap::new();
    for student in &unanswered {
        let token = issuer.mint(student, "acme", &[], None, 600).unwrap();
        let status = join(&client, &url, &token).await.unwrap();
        *retried.entry(status).or_insert(0usize) += 1;
    }
    for student in &answered {
        // Answered ones are still inside: a join again is their seat.
        let token = issuer.mint(student, "acme", &[], None, 600).unwrap();
        assert_eq!(join(&client, &url, &token).await.unwrap(), 200);
    }
    assert!(
        retried.keys().all(|s| *s == 200 || *s == 409),
        "retries after the restart: {retried:?}"
    );
    let active = participations(&db, &cid)
        .iter()
        .filter(|(_, active)| *active)
        .count();
    let total = answered.len() + unanswered.len();
    assert_eq!(active, CAPACITY.min(total), "active after the retries");
    assert_seats_consistent(&db, &cid);
    assert_eq!(
        second.error_lines(),
        Vec::<String>::new(),
        "the restarted server logged errors"
    );
}
