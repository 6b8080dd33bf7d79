//! The shape the read scenarios share (`participants`, `list`): clients GET
//! in a loop until a deadline, every 200 body is checked, and then, with the
//! server stopped, pgbench runs the same SQL with as many clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::pgbench::{self, Length};
use crate::report::{Check, Ratio};
use crate::scenarios::{Api, Setup, check, script};
use crate::stats::Recorder;

/// What the clients of [`poll`] saw.
pub(crate) struct Polled {
    pub recorder: Recorder,
    pub wall: Duration,
    /// 200 answers whose body was not right.
    pub wrong: usize,
    pub op: &'static str,
}

/// The path client `c` asks for on its `n`-th request.
pub(crate) type PathOf = Arc<dyn Fn(usize, usize) -> String + Send + Sync>;

/// `tokens.len()` clients GET `path(client, n)` with their token until
/// `duration` has passed; `right` checks each 200 body.
pub(crate) async fn poll(
    api: &Api,
    op: &'static str,
    tokens: Vec<String>,
    duration: Duration,
    path: PathOf,
    right: fn(&[u8]) -> bool,
) -> anyhow::Result<Polled> {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let workers: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(c, token)| {
            let (api, path) = (api.clone(), path.clone());
            tokio::spawn(async move {
                let mut recorder = Recorder::default();
                let mut wrong = 0;
                let mut n = 0;
                while Instant::now() < deadline {
                    let url = api.url(&path(c, n));
                    let (status, latency, body) =
                        api.timed(api.http.get(&url).bearer_auth(&token)).await;
                    recorder.record(op, status, latency);
                    if status == 200 && !right(&body) {
                        wrong += 1;
                    }
                    n += 1;
                }
                (recorder, wrong)
            })
        })
        .collect();
    let mut polled = Polled {
        recorder: Recorder::default(),
        wall: Duration::ZERO,
        wrong: 0,
        op,
    };
    for w in workers {
        let (recorder, wrong) = w.await?;
        polled.recorder.merge(&recorder);
        polled.wrong += wrong;
    }
    polled.wall = started.elapsed();
    Ok(polled)
}

impl Polled {
    /// Requests per second over the whole run.
    pub fn rate(&self) -> f64 {
        self.recorder.ops.get(self.op).map_or(0, |s| s.count()) as f64 / self.wall.as_secs_f64()
    }

    /// "Every request answers 200" and "every body is right" (`right`
    /// says what right means).
    pub fn checks(&self, right: &str) -> Vec<Check> {
        let Some(stats) = self.recorder.ops.get(self.op) else {
            return vec![check("some request was sent", false, String::new())];
        };
        let ok = stats.statuses().get(&200).copied().unwrap_or(0);
        vec![
            check(
                &format!("every {} answers 200", self.op),
                ok == stats.count(),
                format!("{:?}", stats.statuses()),
            ),
            check(
                &format!("every {} {right}", self.op),
                self.wrong == 0,
                format!("{} answers were not", self.wrong),
            ),
        ]
    }
}

/// Stops the server, then runs `sql` (a file of `bench/pgbench`) with
/// `clients` clients for `duration`, and sets it against `http_rate`.
pub(crate) fn against_pgbench(
    setup: Setup,
    name: String,
    sql: &str,
    clients: usize,
    duration: Duration,
    vars: &[(&str, &str)],
    http_rate: f64,
) -> anyhow::Result<Ratio> {
    let Setup { db, server, .. } = setup;
    drop(server);
    db.checkpoint()?;
    let tps = pgbench::tps(&db.url, &script(sql), clients, Length::Time(duration), vars)
        .with_context(|| format!("pgbench {sql}"))?;
    Ok(Ratio {
        name,
        http_per_second: http_rate,
        pgbench_tps: tps,
        ratio: http_rate / tps,
    })
}
