//! The server's own metrics, on top of those of `liveclass_http::metrics`
//! (HTTP, joins, background jobs): the database pool and the queues.
//!
//! | family | meaning |
//! | --- | --- |
//! | `liveclass_db_pool_max_connections` | `LIVECLASS_DB_POOL_SIZE` |
//! | `liveclass_db_pool_connections` | connections open now |
//! | `liveclass_db_pool_idle_connections` | open and idle |
//! | `liveclass_db_pool_in_use_connections` | open and lent to a request or job |
//! | `liveclass_db_pool_wait_seconds` (histogram) | how long a call waited for a connection |
//! | `liveclass_db_pool_timeouts_total` | calls that got none in time (answered 503) |
//! | `liveclass_database_up` | 1, or 0 while the database is unreachable |
//! | `liveclass_video_cleanup_queue_depth` | video-provider clean-ups waiting for a retry (refreshed by the `queue-depths` job) |

use std::sync::Arc;
use std::time::Duration;

use liveclass_http::metrics::Metrics;
use liveclass_persistence::DieselStore;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Unit;

use crate::supervisor::Job;

/// How often the `queue-depths` job counts the queues.
pub const QUEUE_DEPTH_EVERY: Duration = Duration::from_secs(30);

/// Registers the pool's metrics and returns `store` reporting its waits.
pub fn instrument_store(metrics: &Metrics, store: DieselStore) -> DieselStore {
    let gauge = |name: &str, help: &str| metrics.register(name, help, Gauge::<i64>::default());
    let max = gauge(
        "db_pool_max_connections",
        "Connections the pool may open (LIVECLASS_DB_POOL_SIZE)",
    );
    let open = gauge("db_pool_connections", "Database connections open now");
    let idle = gauge("db_pool_idle_connections", "Open database connections idle");
    let in_use = gauge(
        "db_pool_in_use_connections",
        "Open database connections lent to a request or a job",
    );
    let up = gauge(
        "database_up",
        "1 when the database answered the last call, 0 while it is unreachable",
    );
    let wait = metrics.register_with_unit(
        "db_pool_wait",
        "How long a database call waited for a connection",
        Unit::Seconds,
        Histogram::new([
            0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ]),
    );
    let timeouts: Counter = metrics.register(
        "db_pool_timeouts",
        "Database calls that got no connection in time (answered 503 database_unavailable)",
        Counter::default(),
    );
    let pool = store.pool().clone();
    let probe = store.clone();
    metrics.on_scrape(move || {
        let state = pool.state();
        max.set(i64::from(pool.max_size()));
        open.set(i64::from(state.connections));
        idle.set(i64::from(state.idle_connections));
        in_use.set(i64::from(
            state.connections.saturating_sub(state.idle_connections),
        ));
        up.set(i64::from(probe.database_reachable()));
    });
    store.with_wait_observer(Arc::new(move |waited, got| {
        wait.observe(waited.as_secs_f64());
        if !got {
            timeouts.inc();
        }
    }))
}

/// The `queue-depths` job: counts the video clean-up queue into
/// `liveclass_video_cleanup_queue_depth`. Later queues (an outbox) add their
/// count here.
pub fn queue_depths(metrics: &Metrics, store: DieselStore) -> impl Job {
    let cleanups: Gauge = metrics.register(
        "video_cleanup_queue_depth",
        "Video-provider clean-ups waiting to be retried",
        Gauge::default(),
    );
    move || {
        let store = store.clone();
        let cleanups = cleanups.clone();
        async move {
            let depth = store.video_cleanup_queue_depth().await?;
            cleanups.set(i64::try_from(depth).unwrap_or(i64::MAX));
            Ok::<(), liveclass_domain::store::RepoError>(())
        }
    }
}
