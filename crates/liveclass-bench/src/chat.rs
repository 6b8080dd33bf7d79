//! The chat scenario (issue 14): the 500 participants of one live class
//! each listen on the class's Server-Sent-Events stream and each post
//! chat messages, all at once. Measures posts per second, the post's own
//! latency, the time from a message's commit (its event's `occurredAt`) to
//! its delivery at every listener, events lost, and the server's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;
use tokio::sync::Barrier;

use crate::Args;
use crate::fanout::{rss, subscribe};
use crate::report::ScenarioResult;
use crate::stats::Recorder;

/// Participants of the class: each one posts and each one listens.
pub const PARTICIPANTS: usize = 500;
/// Messages each participant posts (within the default interaction rate
/// limit's burst of 60, so that none is refused).
pub const POSTS_EACH: usize = 2;

pub async fn run(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = crate::scenarios::setup(args, "chat", PARTICIPANTS)?;
    let class = s.api.live_class("chat", PARTICIPANTS).await?;
    let tokens: Vec<String> = (0..PARTICIPANTS)
        .map(|i| s.api.token(&format!("student-{i}"), "chat", &[]))
        .collect();
    // Everyone joins first (64 at a time): posting needs an admission.
    let next = Arc::new(AtomicUsize::new(0));
    let joiners: Vec<_> = (0..args.concurrency.min(PARTICIPANTS))
        .map(|_| {
            let (api, next, class, tokens) =
                (s.api.clone(), next.clone(), class.clone(), tokens.clone());
            tokio::spawn(async move {
                let mut refused = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= PARTICIPANTS {
                        return refused;
                    }
                    refused += usize::from(api.join(&class, &tokens[i]).await.0 != 200);
                }
            })
        })
        .collect();
    for j in joiners {
        anyhow::ensure!(j.await? == 0, "a participant was not admitted");
    }
    let before = rss(&s.server);

    let streams = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let connected = Arc::new(AtomicUsize::new(0));
    let total = PARTICIPANTS * POSTS_EACH;
    let deadline = Instant::now() + Duration::from_secs(180);
    let listeners: Vec<_> = tokens
        .iter()
        .map(|token| {
            tokio::spawn(subscribe(
                streams.clone(),
                s.api.url(&format!("/live-classes/{class}/events")),
                token.clone(),
                ("message.posted", total),
                connected.clone(),
                deadline,
            ))
        })
        .collect();
    let wait = Instant::now();
    while connected.load(Ordering::SeqCst) < PARTICIPANTS {
        anyhow::ensure!(
            wait.elapsed() < Duration::from_secs(60),
            "only {} of {PARTICIPANTS} streams opened",
            connected.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the streams' replays (the joins) settle before measuring memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = rss(&s.server);

    // Every participant posts, all released at once.
    let barrier = Arc::new(Barrier::new(PARTICIPANTS));
    let posters: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let (api, barrier, token) = (s.api.clone(), barrier.clone(), token.clone());
            let url = s.api.url(&format!("/live-classes/{class}/messages"));
            tokio::spawn(async move {
                let mut recorder = Recorder::default();
                barrier.wait().await;
                for n in 0..POSTS_EACH {
                    let body = json!({ "content": format!("message {n} from participant {i}") });
                    let (status, latency, _) = api
                        .timed(api.http.post(&url).bearer_auth(&token).json(&body))
                        .await;
                    recorder.record("post", status, latency);
                }
                (recorder, Instant::now())
            })
        })
        .collect();
    let started = Instant::now();
    let mut recorder = Recorder::default();
    let mut last_post = started;
    for p in posters {
        let (r, done) = p.await?;
        recorder.merge(&r);
        last_post = last_post.max(done);
    }
    let posting = last_post - started;
    let mut lost = 0usize;
    let mut out_of_order = 0usize;
    let mut delivered = 0usize;
    for l in listeners {
        let got = l.await?.context("a listener failed")?;
        lost += total.saturating_sub(got.latencies.len());
        out_of_order += usize::from(!got.in_order);
        delivered += got.latencies.len();
        for latency in got.latencies {
            recorder.record("commit→delivery at a listener", 200, latency);
        }
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes();
    let mut ops = recorder.summaries(posting);
    let posted = ops
        .iter()
        .find(|o| o.op == "post")
        .and_then(|o| o.statuses.get("201").copied())
        .unwrap_or(0);
    // Deliveries per second over the whole run, not the posting window.
    for op in &mut ops {
        if op.op != "post" {
            op.per_second = delivered as f64 / wall.as_secs_f64().max(1e-9);
        }
    }
    Ok(ScenarioResult {
        name: "chat".into(),
        description: format!(
            "{PARTICIPANTS} participants of one live class, each listening on the class's \
             event stream and each posting {POSTS_EACH} chat messages, all at once: \
             {posted} posts in {:.2} s ({:.0} posts/s), {delivered} deliveries in {:.2} s; \
             server RSS {:.1} MiB before the streams, {:.1} MiB with them",
            posting.as_secs_f64(),
            posted as f64 / posting.as_secs_f64().max(1e-9),
            wall.as_secs_f64(),
            before as f64 / 1048576.0,
            with_streams as f64 / 1048576.0,
        ),
        wall_seconds: posting.as_secs_f64(),
        ops,
        peak_rss_mib: peak.map(|b| b as f64 / 1048576.0),
        ratios: Vec::new(),
        checks: vec![
            crate::scenarios::check(
                "every post is accepted",
                posted == total as u64,
                format!("{posted} of {total}"),
            ),
            crate::scenarios::check(
                "no message lost at any listener",
                lost == 0,
                format!("{lost} message events missing over {PARTICIPANTS} listeners"),
            ),
            crate::scenarios::check(
                "every listener saw consecutive sequence numbers",
                out_of_order == 0,
                format!("{out_of_order} listeners saw a gap or a repeat"),
            ),
        ],
    })
}
