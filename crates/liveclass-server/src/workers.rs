//! Background workers of the server process.

use std::sync::Arc;
use std::time::Duration;

use liveclass_domain::auto_end::AutoEndService;

/// Runs the auto-end pass every `every`, for as long as the runtime runs.
/// Failures are logged and retried on the next tick. Safe with several
/// server processes (see `liveclass_domain::auto_end`).
pub fn spawn_auto_end(
    service: Arc<AutoEndService>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match service.run_once().await {
                Ok(0) => {}
                Ok(ended) => tracing::info!(ended, "auto-end pass ended overdue classes"),
                Err(e) => tracing::warn!(error = %e, "auto-end pass failed; retrying next tick"),
            }
        }
    })
}
