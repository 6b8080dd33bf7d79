//! The fan-out scenario: many Server-Sent-Events subscribers on one class,
//! spread over two server processes on one PostgreSQL, while students join
//! through both. Measures the time from a join to its `participant.joined`
//! event at every subscriber, counts events lost, and the servers' memory
//! per open stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Args;
use crate::report::ScenarioResult;
use crate::server::ServerProcess;
use crate::stats::Recorder;

/// Subscribers per run (split over the two processes) and students joining.
pub const SUBSCRIBERS: usize = 1_000;
pub const STUDENTS: usize = 200;

/// What one subscriber saw.
pub(crate) struct Received {
    /// Occurrence → delivery of each event of the awaited type.
    pub(crate) latencies: Vec<Duration>,
    /// Sequence numbers were consecutive.
    pub(crate) in_order: bool,
}

/// Only the fields read of an event (the load generator shares the CPU
/// with the server: nothing else is parsed).
#[derive(serde::Deserialize)]
struct EventHead<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    #[serde(rename = "occurredAt")]
    occurred_at: &'a str,
}

/// Reads one SSE stream until `want` events of type `event_type` arrived
/// or `deadline`; each one's latency is from its `occurredAt` to its
/// arrival.
pub(crate) async fn subscribe(
    http: reqwest::Client,
    url: String,
    token: String,
    (event_type, want): (&'static str, usize),
    connected: Arc<AtomicUsize>,
    deadline: Instant,
) -> anyhow::Result<Received> {
    let mut response = http
        .get(url)
        .bearer_auth(token)
        .header("Accept", "text/event-stream")
        .send()
        .await?
        .error_for_status()?;
    connected.fetch_add(1, Ordering::SeqCst);
    let mut buffer = String::new();
    let mut received = Received {
        latencies: Vec::with_capacity(want),
        in_order: true,
    };
    let mut last_seq: Option<u64> = None;
    while received.latencies.len() < want {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let Ok(chunk) = tokio::time::timeout(remaining, response.chunk()).await else {
            break; // the deadline passed: what is missing is lost
        };
        let Some(chunk) = chunk? else { break };
        let now = OffsetDateTime::now_utc();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        // An event ends with a blank line.
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let mut seq = None;
            let mut data = None;
            for line in event.lines() {
                if let Some(id) = line.strip_prefix("id:") {
                    seq = id.trim().parse::<u64>().ok();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data = Some(d.trim().to_owned());
                }
            }
            let (Some(seq), Some(data)) = (seq, data) else {
                continue; // a comment, a retry hint
            };
            if let Some(last) = last_seq
                && seq != last + 1
            {
                received.in_order = false;
            }
            last_seq = Some(seq);
            if let Ok(head) = serde_json::from_str::<EventHead<'_>>(&data)
                && head.event_type == event_type
                && let Ok(at) = OffsetDateTime::parse(head.occurred_at, &Rfc3339)
            {
                let latency = (now - at).max(time::Duration::ZERO);
                received
                    .latencies
                    .push(Duration::try_from(latency).unwrap_or_default());
            }
        }
    }
    Ok(received)
}

pub(crate) fn rss(server: &ServerProcess) -> u64 {
    server.rss_bytes().unwrap_or(0)
}

pub async fn run(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = crate::scenarios::setup(args, "fanout", STUDENTS)?;
    let b = ServerProcess::start(
        &args.server_bin,
        &s.db.url,
        &[("LIVECLASS_DB_POOL_SIZE", "16".to_owned())],
    )?;
    let api_b = crate::scenarios::Api::new(&b)?;
    let class = s.api.live_class("fanout", STUDENTS).await?;
    let before = rss(&s.server) + rss(&b);

    // No overall timeout on streams (reqwest's would cut the body).
    let streams = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let connected = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(120);
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|i| {
            let api = if i % 2 == 0 { &s.api } else { &api_b };
            let url = api.url(&format!("/live-classes/{class}/events"));
            let token = api.token(&format!("watcher-{i}"), "fanout", &[]);
            tokio::spawn(subscribe(
                streams.clone(),
                url,
                token,
                ("participant.joined", STUDENTS),
                connected.clone(),
                deadline,
            ))
        })
        .collect();
    let wait = Instant::now();
    while connected.load(Ordering::SeqCst) < SUBSCRIBERS {
        if wait.elapsed() > Duration::from_secs(60) {
            anyhow::bail!(
                "only {} of {SUBSCRIBERS} streams opened",
                connected.load(Ordering::SeqCst)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the streams' replays settle before measuring memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = rss(&s.server) + rss(&b);

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let joiners: Vec<_> = (0..args.concurrency.min(STUDENTS))
        .map(|w| {
            let api = if w % 2 == 0 {
                s.api.clone()
            } else {
                api_b.clone()
            };
            let (next, class) = (next.clone(), class.clone());
            tokio::spawn(async move {
                let mut recorder = Recorder::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= STUDENTS {
                        break;
                    }
                    let token = api.token(&format!("student-{i}"), "fanout", &[]);
                    let (status, latency, _) = api.join(&class, &token).await;
                    recorder.record("join", status, latency);
                }
                recorder
            })
        })
        .collect();
    let mut recorder = Recorder::default();
    for j in joiners {
        recorder.merge(&j.await?);
    }
    let mut lost = 0usize;
    let mut out_of_order = 0usize;
    for sub in subscribers {
        let got = sub.await?.context("a subscriber failed")?;
        lost += STUDENTS.saturating_sub(got.latencies.len());
        out_of_order += usize::from(!got.in_order);
        for latency in got.latencies {
            recorder.record("join→event at a subscriber", 200, latency);
        }
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes().max(b.peak_rss_bytes());
    let per_stream = with_streams.saturating_sub(before) as f64 / SUBSCRIBERS as f64;
    let joins_ok = recorder
        .summaries(wall)
        .iter()
        .find(|o| o.op == "join")
        .and_then(|o| o.statuses.get("200").copied())
        .unwrap_or(0);
    Ok(ScenarioResult {
        name: "fanout".into(),
        description: format!(
            "{SUBSCRIBERS} SSE subscribers on one class over two server processes, \
             {STUDENTS} students joining through both; servers' RSS {:.1} MiB before the \
             streams, {:.1} MiB with them ({:.1} KiB per open stream)",
            before as f64 / 1048576.0,
            with_streams as f64 / 1048576.0,
            per_stream / 1024.0
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: peak.map(|b| b as f64 / 1048576.0),
        ratios: Vec::new(),
        checks: vec![
            crate::scenarios::check(
                "every join is admitted",
                joins_ok == STUDENTS as u64,
                format!("{joins_ok} of {STUDENTS}"),
            ),
            crate::scenarios::check(
                "no event lost at any subscriber",
                lost == 0,
                format!("{lost} join events missing over {SUBSCRIBERS} subscribers"),
            ),
            crate::scenarios::check(
                "every subscriber saw consecutive sequence numbers",
                out_of_order == 0,
                format!("{out_of_order} subscribers saw a gap or a repeat"),
            ),
        ],
    })
}
