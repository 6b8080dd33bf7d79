//! Fan-out: 1,000 Server-Sent Events subscribers on one class, spread over
//! two `server` processes on one PostgreSQL database, while 200 students
//! join through both. Reports the time from each event's occurrence (the
//! service's clock read just before its transaction commits) to its
//! delivery at every subscriber, events lost (must be 0), and each
//! process's RSS and memory per open stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::Semaphore;

use crate::Args;
use crate::db::ScenarioDb;
use crate::report::ScenarioResult;
use crate::scenarios::{Api, check, mib};
use crate::server::ServerProcess;
use crate::stats::Recorder;

const SUBSCRIBERS: usize = 1_000;
const STUDENTS: usize = 200;

/// What one subscriber saw.
#[derive(Default)]
struct Seen {
    /// (seq, occurrence to delivery).
    events: Vec<(u64, Duration)>,
    duplicates_or_out_of_order: usize,
    failed: Option<String>,
}

pub async fn fanout(args: &Args) -> anyhow::Result<ScenarioResult> {
    let db = ScenarioDb::create(&args.postgres_url, "fanout")?;
    // One after the other: the first applies the migrations.
    let a = ServerProcess::start(&args.server_bin, &db.url, &[])?;
    let b = ServerProcess::start(&args.server_bin, &db.url, &[])?;
    let api_a = Api::new(&a)?;
    let api_b = Api::new(&b)?;
    let tenant = "tenant-fanout";
    let class = api_a.live_class(tenant, STUDENTS + 50).await?;
    let teacher = api_a.token("bench-teacher", tenant, &["training_manager"]);

    // Let the sequencer number the set-up events, then start after them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let page: serde_json::Value = api_a
        .http_client()
        .get(format!("{}/live-classes/{class}/events", a.base_url()))
        .bearer_auth(&teacher)
        .send()
        .await?
        .json()
        .await?;
    let Some(after) = page["lastSeq"].as_u64() else {
        bail!("no lastSeq in {page}");
    };

    let rss_before = (a.rss_bytes(), b.rss_bytes());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let ready = Arc::new(AtomicUsize::new(0));
    let open_gate = Arc::new(Semaphore::new(100));
    // The last seq to wait for, once the joins are done (0: not yet).
    let (last_tx, last_rx) = tokio::sync::watch::channel(0u64);
    let mut subscribers = Vec::with_capacity(SUBSCRIBERS);
    for i in 0..SUBSCRIBERS {
        let base = if i % 2 == 0 {
            a.base_url()
        } else {
            b.base_url()
        };
        let url = format!("{base}/live-classes/{class}/events?lastEventId={after}");
        let (http, teacher, ready, gate, last) = (
            http.clone(),
            teacher.clone(),
            ready.clone(),
            open_gate.clone(),
            last_rx.clone(),
        );
        subscribers.push(tokio::spawn(async move {
            subscribe(http, url, teacher, last, ready, gate).await
        }));
    }
    let opening = Instant::now();
    while ready.load(Ordering::Relaxed) < SUBSCRIBERS {
        if opening.elapsed() > Duration::from_secs(60) {
            bail!(
                "only {} of {SUBSCRIBERS} streams opened in 60 s",
                ready.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rss_open = (a.rss_bytes(), b.rss_bytes());

    // 200 joins through both processes, 50 at a time.
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(50));
    let mut joins = Vec::with_capacity(STUDENTS);
    for i in 0..STUDENTS {
        let api = if i % 2 == 0 {
            api_a.clone()
        } else {
            api_b.clone()
        };
        let token = api.token(&format!("student-{i}"), tenant, &[]);
        let (class, gate) = (class.clone(), gate.clone());
        joins.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            let (status, latency, _) = api.join(&class, &token).await;
            (status, latency)
        }));
    }
    let mut recorder = Recorder::default();
    for join in joins {
        let (status, latency) = join.await?;
        recorder.record("join", status, latency);
    }
    // Every join committed has its event: the subscribers wait for the
    // last one (each join that succeeded is one event).
    let joined = recorder.ops["join"]
        .statuses()
        .get(&200)
        .copied()
        .unwrap_or(0);
    let expected: Vec<u64> = (after + 1..=after + joined).collect();
    let _ = last_tx.send(after + joined);
    let mut lost = 0usize;
    let mut disorder = 0usize;
    let mut failures = Vec::new();
    for subscriber in subscribers {
        let seen = subscriber.await?;
        let got: std::collections::BTreeSet<u64> = seen.events.iter().map(|(s, _)| *s).collect();
        lost += expected.iter().filter(|s| !got.contains(s)).count();
        disorder += seen.duplicates_or_out_of_order;
        if let Some(f) = seen.failed {
            failures.push(f);
        }
        for (_, latency) in seen.events {
            recorder.record("delivery", 200, latency);
        }
    }
    let wall = started.elapsed();
    let per_stream = |before: Option<u64>, open: Option<u64>| -> String {
        match (before, open) {
            (Some(b), Some(o)) => format!(
                "{:.1} MiB → {:.1} MiB, {:.1} KiB per stream",
                b as f64 / 1048576.0,
                o as f64 / 1048576.0,
                o.saturating_sub(b) as f64 / 1024.0 / (SUBSCRIBERS / 2) as f64
            ),
            _ => "unknown".into(),
        }
    };
    let checks = vec![
        check(
            "all students joined",
            joined == STUDENTS as u64,
            format!("{joined} of {STUDENTS}"),
        ),
        check(
            "events lost (must be 0)",
            lost == 0 && failures.is_empty(),
            format!(
                "{lost} of {} deliveries missing{}",
                SUBSCRIBERS * expected.len(),
                failures
                    .first()
                    .map(|f| format!("; {} streams failed, e.g. {f}", failures.len()))
                    .unwrap_or_default()
            ),
        ),
        check(
            "no duplicate or out-of-order event",
            disorder == 0,
            format!("{disorder}"),
        ),
        check(
            "server A memory with 500 open streams",
            true,
            per_stream(rss_before.0, rss_open.0),
        ),
        check(
            "server B memory with 500 open streams",
            true,
            per_stream(rss_before.1, rss_open.1),
        ),
    ];
    let peak = a
        .peak_rss_bytes()
        .zip(b.peak_rss_bytes())
        .map(|(x, y)| x.max(y));
    Ok(ScenarioResult {
        name: "fanout".into(),
        description: format!(
            "{SUBSCRIBERS} SSE subscribers on one class over two server processes (PostgreSQL \
             LISTEN/NOTIFY wake-ups), {STUDENTS} students joining through both; `delivery` is \
             each event's occurrence (just before its commit) to its arrival at each subscriber"
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios: vec![],
        checks,
    })
}

/// One subscriber: opens the stream, then reads until it has seen `last`
/// (or 60 s pass).
async fn subscribe(
    http: reqwest::Client,
    url: String,
    token: String,
    mut last: tokio::sync::watch::Receiver<u64>,
    ready: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
) -> Seen {
    let mut seen = Seen::default();
    let permit = gate.acquire_owned().await;
    let response = http
        .get(&url)
        .bearer_auth(token)
        .header("Accept", "text/event-stream")
        .send()
        .await;
    let mut response = match response {
        Ok(r) if r.status() == 200 => r,
        Ok(r) => {
            seen.failed = Some(format!("status {}", r.status()));
            ready.fetch_add(1, Ordering::Relaxed);
            return seen;
        }
        Err(e) => {
            seen.failed = Some(e.to_string());
            ready.fetch_add(1, Ordering::Relaxed);
            return seen;
        }
    };
    drop(permit);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let mut buf = String::new();
    let mut counted_ready = false;
    let mut newest = 0u64;
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout_at(deadline, response.chunk()) => next,
            changed = last.changed() => {
                let target = *last.borrow();
                if changed.is_err() || (target > 0 && newest >= target) {
                    break;
                }
                continue;
            }
        };
        let chunk = match next {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => {
                seen.failed = Some("the stream ended".into());
                break;
            }
            Ok(Err(e)) => {
                seen.failed = Some(e.to_string());
                break;
            }
            Err(_) => break,
        };
        let now = OffsetDateTime::now_utc();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if !counted_ready && block.starts_with("retry:") {
                counted_ready = true;
                ready.fetch_add(1, Ordering::Relaxed);
            }
            let Some(seq) = block
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            let occurred = block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                .and_then(|v| {
                    v["occurredAt"]
                        .as_str()
                        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
                });
            if seq <= newest {
                seen.duplicates_or_out_of_order += 1;
            }
            newest = newest.max(seq);
            let latency = occurred
                .map(|o| Duration::try_from(now - o).unwrap_or_default())
                .unwrap_or_default();
            seen.events.push((seq, latency));
        }
        let target = *last.borrow();
        if target > 0 && newest >= target {
            break;
        }
    }
    if !counted_ready {
        ready.fetch_add(1, Ordering::Relaxed);
    }
    seen
}
