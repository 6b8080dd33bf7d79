//! The waitlist across processes (issue 12): three `server` processes on one
//! PostgreSQL take hundreds of interleaved joins-or-waits, leaves and exits
//! from the line for one small class. Afterwards no seat is lost (nobody
//! waits while a seat is free), nobody is admitted from the line twice,
//! nobody is skipped (promotions follow the line's order), and the class
//! never held more than its capacity (checked at every moment a sampler
//! recorded, and along the class's event log).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::{SECRET, ServerProcess};
use diesel::prelude::*;
use liveclass_http::TokenIssuer;
use liveclass_persistence::schema::{class_events, participations, waitlist_entries};
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const CAPACITY: i64 = 8;
const STUDENTS: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_keep_the_waitlists_invariants() {
    let Some(db) = TestDatabase::postgres("three_processes_keep_the_waitlists_invariants") else {
        return;
    };
    let env = [
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "1"),
        ("LIVECLASS_DB_POOL_SIZE", "8"),
    ];
    let servers: Vec<ServerProcess> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| ServerProcess::start(&env)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let issuer = TokenIssuer::hs256(SECRET.as_bytes(), None, None);
    let teacher = issuer
        .mint("teacher", "acme", &["training_manager"], None, 600)
        .unwrap();
    liveclass_video::install_crypto_provider();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let created: Value = client
        .post(servers[0].url("/live-classes"))
        .bearer_auth(&teacher)
        .json(&json!({"title": "Small class", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": CAPACITY}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cid = created["id"].as_str().unwrap().to_owned();
    let started = client
        .post(servers[1].url(&format!("/live-classes/{cid}/start")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);

    // A sampler records the active count while the load runs.
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (pool, cid, done) = (db.pool.clone(), cid.clone(), done.clone());
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let mut conn = pool.get().unwrap();
                let active: i64 = participations::table
                    .filter(participations::class_id.eq(&cid))
                    .filter(participations::left_at.is_null())
                    .count()
                    .get_result(&mut *conn)
                    .unwrap();
                samples.push(active);
                std::thread::sleep(Duration::from_millis(2));
            }
            samples
        })
    };

    let urls: Vec<String> = servers.iter().map(|s| s.url("")).collect();
    let promoted_seen = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..STUDENTS)
        .map(|i| {
            let base = urls[i % urls.len()].clone();
            let token = issuer
                .mint(&format!("student-{i}"), "acme", &[], None, 600)
                .unwrap();
            let (client, cid, promoted_seen) = (client.clone(), cid.clone(), promoted_seen.clone());
            tokio::spawn(async move {
                let url = |path: &str| format!("{base}/live-classes/{cid}/{path}");
                tokio::time::sleep(Duration::from_millis((i as u64 * 7) % 300)).await;
                let reply = client
                    .post(url("waitlist"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                let mut seated = match reply.status().as_u16() {
                    200 => true,
                    202 => false,
                    other => panic!("join-or-wait answered {other}: {:?}", reply.text().await),
                };
                // In line: poll, and give up on some polls (leave the line).
                let mut polls = 0;
                while !seated {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    polls += 1;
                    let me: Value = client
                        .get(url("waitlist/me"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    match me["entry"]["status"].as_str().unwrap() {
                        "admitted" => {
                            assert!(me["join"]["joinUrl"].is_string(), "{me}");
                            promoted_seen.fetch_add(1, Ordering::Relaxed);
                            seated = true;
                        }
                        "waiting" if (i % 5 == 0 && polls == 3) || polls > 150 => {
                            let left = client
                                .delete(url("waitlist/me"))
                                .bearer_auth(&token)
                                .send()
                                .await
                                .unwrap()
                                .status()
                                .as_u16();
                            // 404: a freed seat admitted them meanwhile.
                            assert!(left == 204 || left == 404, "leaving the line: {left}");
                            if left == 404 {
                                continue;
                            }
                            return;
                        }
                        "waiting" => {}
                        other => panic!("entry {other}: {me}"),
                    }
                }
                // Seated: stay a moment, then leave (all but a few, who
                // keep their seat to the end).
                tokio::time::sleep(Duration::from_millis(10 + (i as u64 % 5) * 10)).await;
                if i % 50 != 0 {
                    let left = client
                        .post(url("leave"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(left.status(), 200);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    assert!(!samples.is_empty());
    assert!(
        samples.iter().all(|a| *a <= CAPACITY),
        "above capacity: max {:?}",
        samples.iter().max()
    );

    let mut conn = db.pool.get().unwrap();
    let active: i64 = participations::table
        .filter(participations::class_id.eq(&cid))
        .filter(participations::left_at.is_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let entries: Vec<(i64, String, Option<String>)> = waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(&cid))
        .order(waitlist_entries::seq.asc())
        .select((
            waitlist_entries::seq,
            waitlist_entries::status,
            waitlist_entries::participation_id,
        ))
        .load(&mut *conn)
        .unwrap();
    let waiting = entries.iter().filter(|e| e.1 == "waiting").count();
    // No seat lost.
    if waiting > 0 {
        assert_eq!(active, CAPACITY, "{waiting} wait while a seat is free");
    }
    // Nobody admitted twice: each admitted entry has its own participation.
    let admitted: Vec<&String> = entries.iter().filter_map(|e| e.2.as_ref()).collect();
    let distinct: BTreeSet<&&String> = admitted.iter().collect();
    assert_eq!(distinct.len(), admitted.len());
    assert!(admitted.len() >= promoted_seen.load(Ordering::Relaxed));
    // Nobody skipped: nobody still waits ahead of someone admitted.
    let last_admitted = entries
        .iter()
        .filter(|e| e.1 == "admitted")
        .map(|e| e.0)
        .max()
        .unwrap_or(0);
    assert!(
        entries
            .iter()
            .all(|e| e.1 != "waiting" || e.0 > last_admitted),
        "someone waits ahead of an admitted entry"
    );
    // The log agrees: never above capacity at any join, promotions in line
    // order.
    drop(conn);
    let mut sequenced = false;
    for _ in 0..100 {
        let mut conn = db.pool.get().unwrap();
        let pending: i64 = class_events::table
            .filter(class_events::class_id.eq(&cid))
            .filter(class_events::seq.is_null())
            .count()
            .get_result(&mut *conn)
            .unwrap();
        if pending == 0 {
            sequenced = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(sequenced, "the servers' sequencers did not number the log");
    let mut conn = db.pool.get().unwrap();
    let log: Vec<(String, String)> = class_events::table
        .filter(class_events::class_id.eq(&cid))
        .order(class_events::seq.asc())
        .select((class_events::event_type, class_events::data))
        .load(&mut *conn)
        .unwrap();
    let mut promoted_order = Vec::new();
    let mut max_active = 0;
    for (kind, data) in &log {
        let data: Value = serde_json::from_str(data).unwrap();
        if kind == "participant.joined" {
            max_active = max_active.max(data["activeCount"].as_i64().unwrap());
        }
        if kind == "waitlist.promoted" {
            promoted_order.push(data["entry"]["id"].as_str().unwrap().to_owned());
        }
    }
    assert!(max_active <= CAPACITY, "the log shows {max_active} active");
    let seq_of: std::collections::HashMap<String, i64> = waitlist_entries::table
        .filter(waitlist_entries::class_id.eq(&cid))
        .select((waitlist_entries::id, waitlist_entries::seq))
        .load::<(String, i64)>(&mut *conn)
        .unwrap()
        .into_iter()
        .collect();
    let order: Vec<i64> = promoted_order.iter().map(|id| seq_of[id]).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted, "promotions out of line order");
    eprintln!(
        "waitlist across 3 processes: {STUDENTS} students, capacity {CAPACITY}, {} line entries, {} promotions, {} still waiting, {} active, {} samples (max {})",
        entries.len(),
        admitted.len(),
        waiting,
        active,
        samples.len(),
        samples.iter().max().unwrap()
    );
}
