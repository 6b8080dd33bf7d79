//! One runtime for the server's background work.
//!
//! A [`Supervisor`] runs named periodic [`Job`]s: one pass per tick of the
//! job's interval (a late tick is delayed, never bunched). It owns every
//! job's task, so:
//!
//! - a pass that fails is logged with its whole cause chain (`a: b: c`) and
//!   retried on the next tick; a job that keeps failing (a database outage)
//!   backs off: after `n` failures in a row the next pass waits
//!   `interval × 2^(n-1)`, up to [`MAX_FAILURE_BACKOFF`] (or the interval, if
//!   longer), and the first pass that succeeds returns to the interval;
//! - with [`Supervisor::with_metrics`], every pass, failure and panic is
//!   counted per job (`liveclass_background_job_*`);
//! - a job that panics is logged at error level with its name and the panic
//!   message, and restarted after a short backoff (doubling while it keeps
//!   panicking, up to its interval);
//! - [`Supervisor::shutdown`] stops every job: a job waiting for its next tick
//!   stops at once, a job in the middle of a pass finishes it, and a pass still
//!   running at the deadline is aborted.
//!
//! Adding a worker is one call:
//!
//! ```
//! # use std::time::Duration;
//! # use liveclass_server::supervisor::Supervisor;
//! # struct Outbox;
//! # impl Outbox { async fn deliver_due(&self) -> Result<(), std::io::Error> { Ok(()) } }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let outbox = std::sync::Arc::new(Outbox);
//! let mut supervisor = Supervisor::new();
//! supervisor.every("outbox", Duration::from_secs(5), move || {
//!     let outbox = outbox.clone();
//!     async move { outbox.deliver_due().await }
//! });
//! // On SIGTERM:
//! supervisor.shutdown(Duration::from_secs(30)).await;
//! # }
//! ```

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use liveclass_http::metrics::Metrics;
use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle};
use tokio::time::{Instant, MissedTickBehavior};

/// What a successful pass did. The supervisor calls [`Report::log`] after
/// each pass; most reports log only when the pass did something.
pub trait Report: Send + 'static {
    fn log(&self, job: &'static str);
}

impl Report for () {
    fn log(&self, _job: &'static str) {}
}

/// One pass of a periodic job. Implemented by every `Fn() -> impl Future<
/// Output = Result<R, E>>` closure whose report is a [`Report`] and whose
/// error converts into [`anyhow::Error`] (any `std::error::Error + Send +
/// Sync`, or an `anyhow::Error` itself).
pub trait Job: Send + Sync + 'static {
    type Report: Report;
    type Error: Into<anyhow::Error> + Send;

    fn run(&self) -> impl Future<Output = Result<Self::Report, Self::Error>> + Send;
}

impl<F, Fut, R, E> Job for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send,
    R: Report,
    E: Into<anyhow::Error> + Send,
{
    type Report = R;
    type Error = E;

    fn run(&self) -> impl Future<Output = Result<R, E>> + Send {
        self()
    }
}

/// The first delay before a panicked job is restarted.
pub const RESTART_BACKOFF: Duration = Duration::from_secs(1);

/// The longest wait between two passes of a job that keeps failing (unless
/// its interval is longer).
pub const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(300);

/// The wait before the next pass after `failures` failed passes in a row.
pub fn failure_backoff(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    interval
        .saturating_mul(2_u32.saturating_pow(failures.saturating_sub(1).min(16)))
        .min(MAX_FAILURE_BACKOFF.max(interval))
}

/// Runs and owns the background jobs; see the module docs.
pub struct Supervisor {
    stop: watch::Sender<bool>,
    workers: Vec<Worker>,
    restart_backoff: Duration,
    metrics: Option<Metrics>,
}

struct Worker {
    name: &'static str,
    /// The task that runs the job and restarts it after a panic.
    keeper: JoinHandle<()>,
}

impl Default for Supervisor {
    fn default() -> Self {
        Self::new()
    }
}

impl Supervisor {
    /// A supervisor with no jobs. Jobs run on the current tokio runtime.
    pub fn new() -> Self {
        Self {
            stop: watch::Sender::new(false),
            workers: Vec::new(),
            restart_backoff: RESTART_BACKOFF,
            metrics: None,
        }
    }

    /// Counts the passes, failures and panics of the jobs registered
    /// afterwards in `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Sets the first restart delay after a panic (default
    /// [`RESTART_BACKOFF`]), for the jobs registered afterwards.
    #[must_use]
    pub fn with_restart_backoff(mut self, backoff: Duration) -> Self {
        self.restart_backoff = backoff;
        self
    }

    /// Starts `job` now and then every `interval`, under `name` (the `job`
    /// field of its log lines).
    ///
    /// # Panics
    /// When `interval` is zero, or when called outside a tokio runtime.
    pub fn every(&mut self, name: &'static str, interval: Duration, job: impl Job) -> &mut Self {
        assert!(
            !interval.is_zero(),
            "job {name}: the interval must not be zero"
        );
        let job = Keeper {
            name,
            interval,
            job: Arc::new(job),
            stop: self.stop.subscribe(),
            restart_backoff: self.restart_backoff,
            metrics: self.metrics.clone(),
        };
        self.workers.push(Worker {
            name,
            keeper: tokio::spawn(job.keep()),
        });
        tracing::debug!(job = name, ?interval, "background job started");
        self
    }

    /// The names of the running jobs, in registration order.
    pub fn jobs(&self) -> Vec<&'static str> {
        self.workers.iter().map(|w| w.name).collect()
    }

    /// Stops every job and waits for them: passes under way get until `grace`
    /// from now to finish, and are aborted then. Calling it again does nothing.
    pub async fn shutdown(&mut self, grace: Duration) {
        if self.workers.is_empty() {
            return;
        }
        self.stop.send_replace(true);
        let deadline = Instant::now() + grace;
        for mut worker in std::mem::take(&mut self.workers) {
            let stopped = tokio::time::timeout_at(deadline, &mut worker.keeper).await;
            if stopped.is_err() {
                worker.keeper.abort();
                let _ = worker.keeper.await;
                tracing::warn!(
                    job = worker.name,
                    ?grace,
                    "background job still running at the shutdown deadline; aborted"
                );
            }
        }
        tracing::info!("background jobs stopped");
    }
}

impl Drop for Supervisor {
    /// A supervisor dropped without [`Supervisor::shutdown`] aborts its jobs.
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.keeper.abort();
        }
    }
}

/// One job and what it needs to run and restart.
struct Keeper<J> {
    name: &'static str,
    interval: Duration,
    job: Arc<J>,
    stop: watch::Receiver<bool>,
    restart_backoff: Duration,
    metrics: Option<Metrics>,
}

impl<J: Job> Keeper<J> {
    /// Runs the job in a task of its own and restarts it when it panics,
    /// until the stop signal.
    async fn keep(mut self) {
        // Panics in a row, reset by every pass that completes.
        let panics = Arc::new(AtomicU32::new(0));
        loop {
            let passes = tokio::spawn(run_passes(
                self.name,
                self.interval,
                self.job.clone(),
                self.stop.clone(),
                panics.clone(),
                self.metrics.clone(),
            ));
            // Aborting the keeper (at the shutdown deadline) aborts the pass.
            let panic = match AbortOnDrop(passes).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => panic_message(&*e.into_panic()),
                Err(e) => {
                    tracing::error!(job = self.name, error = %e, "background job cancelled");
                    return;
                }
            };
            if let Some(metrics) = &self.metrics {
                metrics.record_job_panic(self.name);
            }
            let in_a_row = panics.fetch_add(1, Ordering::Relaxed);
            let backoff = self
                .restart_backoff
                .saturating_mul(2_u32.saturating_pow(in_a_row.min(16)))
                .min(self.interval.max(self.restart_backoff));
            tracing::error!(
                job = self.name,
                panic = %panic,
                restart_in = ?backoff,
                "background job panicked; restarting it"
            );
            tokio::select! {
                () = stopped(&mut self.stop) => return,
                () = tokio::time::sleep(backoff) => {}
            }
        }
    }
}

/// One pass per tick until the stop signal; a pass under way is finished.
/// Failed passes in a row space the next ones out (see the module docs).
async fn run_passes<J: Job>(
    name: &'static str,
    interval: Duration,
    job: Arc<J>,
    mut stop: watch::Receiver<bool>,
    panics: Arc<AtomicU32>,
    metrics: Option<Metrics>,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut failures: u32 = 0;
    loop {
        tokio::select! {
            biased;
            () = stopped(&mut stop) => return,
            _ = ticks.tick() => {}
        }
        let started = Instant::now();
        match job.run().await {
            Ok(report) => {
                if failures > 0 {
                    tracing::info!(job = name, failures, "background job recovered");
                }
                failures = 0;
                report.log(name);
            }
            Err(e) => {
                let e: anyhow::Error = e.into();
                failures = failures.saturating_add(1);
                let retry_in = failure_backoff(interval, failures);
                tracing::warn!(
                    job = name,
                    error = %format!("{e:#}"),
                    failures,
                    ?retry_in,
                    "background job failed; retrying later"
                );
            }
        }
        if let Some(metrics) = &metrics {
            metrics.record_job_pass(name, started.elapsed(), failures);
        }
        panics.store(0, Ordering::Relaxed);
        // Back off beyond the interval: wait the difference, then a tick.
        let extra = failure_backoff(interval, failures).saturating_sub(interval);
        if !extra.is_zero() {
            tokio::select! {
                biased;
                () = stopped(&mut stop) => return,
                () = tokio::time::sleep(extra) => {}
            }
            ticks.reset();
        }
    }
}

/// Resolves once the supervisor says stop (or is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// A task handle that aborts its task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Future for AbortOnDrop {
    type Output = Result<(), JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;

    use super::*;

    /// Log lines written while the guard lives (tests run on one thread).
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<Vec<u8>>>);

    impl Logs {
        fn capture(&self) -> tracing::subscriber::DefaultGuard {
            let logs = self.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || logs.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_default(subscriber)
        }

        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn counter() -> Arc<AtomicU32> {
        Arc::new(AtomicU32::new(0))
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the pass failed")]
    struct Outer(#[source] std::io::Error);

    #[tokio::test(start_paused = true)]
    async fn a_job_runs_at_once_and_then_every_interval() {
        let runs = counter();
        let mut supervisor = Supervisor::new();
        let r = runs.clone();
        supervisor.every("count", Duration::from_secs(10), move || {
            r.fetch_add(1, Ordering::SeqCst);
            async { Ok::<(), std::io::Error>(()) }
        });
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(supervisor.jobs(), ["count"]);
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_that_panics_is_logged_restarted_and_runs_again() {
        let logs = Logs::default();
        let _guard = logs.capture();
        let runs = counter();
        let mut supervisor = Supervisor::new().with_restart_backoff(Duration::from_secs(1));
        let r = runs.clone();
        supervisor.every("fragile", Duration::from_secs(60), move || {
            let run = r.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(run > 0, "first pass explodes");
                Ok::<(), std::io::Error>(())
            }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "restarted after the backoff"
        );
        // The restarted job keeps its interval.
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        let text = logs.text();
        assert!(text.contains("ERROR"), "{text}");
        assert!(text.contains("job=\"fragile\""), "{text}");
        assert!(text.contains("first pass explodes"), "{text}");
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_backoff_doubles_while_a_job_keeps_panicking() {
        let runs = counter();
        let mut supervisor = Supervisor::new().with_restart_backoff(Duration::from_secs(1));
        let r = runs.clone();
        supervisor.every("broken", Duration::from_secs(60), move || {
            r.fetch_add(1, Ordering::SeqCst);
            async {
                panic!("always");
                #[allow(unreachable_code)]
                Ok::<(), std::io::Error>(())
            }
        });
        // Runs at 0 s, then after 1, 2, 4 and 8 s of backoff: 1, 3, 7, 15 s.
        tokio::time::sleep(Duration::from_millis(15_500)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 5);
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn failures_are_logged_with_their_cause_chain_and_retried_on_the_next_tick() {
        let logs = Logs::default();
        let _guard = logs.capture();
        let runs = counter();
        let mut supervisor = Supervisor::new();
        let r = runs.clone();
        supervisor.every("flaky", Duration::from_secs(10), move || {
            let run = r.fetch_add(1, Ordering::SeqCst);
            async move {
                if run == 0 {
                    Err(Outer(std::io::Error::other("disk on fire")))
                } else {
                    Ok(())
                }
            }
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let text = logs.text();
        assert!(text.contains("WARN"), "{text}");
        assert!(text.contains("the pass failed: disk on fire"), "{text}");
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2, "retried on the next tick");
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_that_keeps_failing_backs_off_and_returns_to_its_interval() {
        let runs = counter();
        let healthy = Arc::new(AtomicBool::new(false));
        let metrics = Metrics::default();
        let mut supervisor = Supervisor::new().with_metrics(metrics.clone());
        let (r, h) = (runs.clone(), healthy.clone());
        supervisor.every("db-bound", Duration::from_secs(1), move || {
            r.fetch_add(1, Ordering::SeqCst);
            let healthy = h.load(Ordering::SeqCst);
            async move {
                if healthy {
                    Ok(())
                } else {
                    Err(std::io::Error::other("database unreachable"))
                }
            }
        });
        // Passes at 0 s, then 1, 2, 4, 8 s apart: 1, 3, 7, 15 s.
        tokio::time::sleep(Duration::from_millis(15_500)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 5);
        let text = metrics.encode();
        assert!(
            text.contains("liveclass_background_job_consecutive_failures{job=\"db-bound\"} 5"),
            "{text}"
        );
        assert!(text.contains("liveclass_background_job_failures_total{job=\"db-bound\"} 5"));
        // Healthy again: the next pass (16 s later) succeeds, then every second.
        healthy.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(16)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 6);
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 9);
        let text = metrics.encode();
        assert!(text.contains("liveclass_background_job_consecutive_failures{job=\"db-bound\"} 0"));
        assert!(text.contains("liveclass_background_job_runs_total{job=\"db-bound\"} 9"));
        // The cap.
        assert_eq!(
            failure_backoff(Duration::from_secs(30), 20),
            MAX_FAILURE_BACKOFF
        );
        assert_eq!(
            failure_backoff(Duration::from_secs(600), 3),
            Duration::from_secs(600)
        );
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_idle_jobs_at_once() {
        let runs = counter();
        let mut supervisor = Supervisor::new();
        for name in ["a", "b"] {
            let r = runs.clone();
            supervisor.every(name, Duration::from_secs(10), move || {
                r.fetch_add(1, Ordering::SeqCst);
                async { Ok::<(), std::io::Error>(()) }
            });
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        let started = Instant::now();
        supervisor.shutdown(Duration::from_secs(30)).await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(supervisor.jobs().is_empty());
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2, "no pass after shutdown");
        supervisor.shutdown(Duration::from_secs(30)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_lets_a_pass_under_way_finish() {
        let finished = Arc::new(AtomicBool::new(false));
        let mut supervisor = Supervisor::new();
        let f = finished.clone();
        supervisor.every("slow", Duration::from_secs(60), move || {
            let f = f.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                f.store(true, Ordering::SeqCst);
                Ok::<(), std::io::Error>(())
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        let started = Instant::now();
        supervisor.shutdown(Duration::from_secs(30)).await;
        assert!(finished.load(Ordering::SeqCst));
        assert_eq!(started.elapsed().as_secs(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_aborts_a_pass_still_running_at_the_deadline() {
        let finished = Arc::new(AtomicBool::new(false));
        let mut supervisor = Supervisor::new();
        let f = finished.clone();
        supervisor.every("stuck", Duration::from_secs(60), move || {
            let f = f.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                f.store(true, Ordering::SeqCst);
                Ok::<(), std::io::Error>(())
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        let started = Instant::now();
        supervisor.shutdown(Duration::from_secs(30)).await;
        assert_eq!(started.elapsed().as_secs(), 30);
        tokio::time::sleep(Duration::from_secs(7200)).await;
        assert!(!finished.load(Ordering::SeqCst), "the pass was aborted");
    }
}
