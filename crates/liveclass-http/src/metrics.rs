//! Prometheus metrics, served at `GET /metrics` in the OpenMetrics text
//! format (which Prometheus scrapes natively).
//!
//! One [`Metrics`] per process, held in [`AppState`](crate::AppState) (cheap
//! to clone: everything is shared). What it measures out of the box:
//!
//! | family | labels | from |
//! | --- | --- | --- |
//! | `liveclass_http_requests_total` | `method`, `route` (the route *pattern*, `/live-classes/{liveClassId}/join`; `unmatched` for no route), `status` | [`track`] middleware |
//! | `liveclass_http_request_duration_seconds` (histogram) | same | [`track`] middleware |
//! | `liveclass_joins_total` | `outcome`: `admitted`, `already_active`, `full`, `not_live`, `not_found`, `not_allowed`, `error` | `POST /live-classes/{id}/join` ([`Metrics::record_join`]; call it from any other way in) |
//! | `liveclass_background_job_runs_total`, `…_failures_total`, `…_panics_total`, `…_duration_seconds`, `…_consecutive_failures` | `job` | the server's supervisor |
//! | `liveclass_db_pool_*`, `liveclass_video_cleanup_queue_depth` | | the server (`liveclass_server::metrics`) |
//!
//! # Adding a metric
//!
//! Register it once, at start-up, and keep the handle (metrics are
//! `Arc`s inside: clone them into whatever updates them):
//!
//! ```
//! use prometheus_client::metrics::gauge::Gauge;
//! # let metrics = liveclass_http::metrics::Metrics::new(None);
//! // e.g. open event streams: +1 when a stream opens, -1 when it closes.
//! let open_streams: Gauge = metrics.register("event_streams_open", "Event streams open now", Gauge::default());
//! open_streams.inc();
//! ```
//!
//! Names get the `liveclass_` prefix; counters get `_total` when encoded
//! (do not add it). For labelled metrics register a
//! [`Family`](prometheus_client::metrics::family::Family) with a label
//! struct deriving `EncodeLabelSet` (see [`HttpLabels`]). For a value that is
//! cheaper to read when scraped than to keep up to date (a pool's size),
//! register a gauge and set it in [`Metrics::on_scrape`].

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Metric, Registry, Unit};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The path metrics are served on.
pub const METRICS_PATH: &str = "/metrics";

/// The `Content-Type` of the answer (OpenMetrics text, which Prometheus
/// negotiates and parses).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Latency buckets, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The labels of the HTTP families.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    /// The route's pattern, never the raw path (which would make one series
    /// per class id).
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
}

/// How a join ended, as counted in `liveclass_joins_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    /// A seat was taken.
    Admitted,
    /// The caller was in the class already (same participation back).
    AlreadyActive,
    /// Refused: the class is at capacity.
    Full,
    /// Refused: the class is not live.
    NotLive,
    /// No such class (or another tenant's).
    NotFound,
    /// Refused by the class's admission policy (`not_on_roster`).
    NotAllowed,
    /// Any other failure (store, video provider, …).
    Error,
}

impl JoinOutcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Admitted => "admitted",
            Self::AlreadyActive => "already_active",
            Self::Full => "full",
            Self::NotLive => "not_live",
            Self::NotFound => "not_found",
            Self::NotAllowed => "not_allowed",
            Self::Error => "error",
        }
    }

    /// The outcome of a join answered with `error`.
    pub fn of_error(error: &ApiError) -> Self {
        match error.code {
            ErrorCode::ClassFull => Self::Full,
            ErrorCode::ClassNotLive | ErrorCode::ClassEnded | ErrorCode::ClassCancelled => {
                Self::NotLive
            }
            ErrorCode::ClassNotFound | ErrorCode::JoinLinkNotFound => Self::NotFound,
            ErrorCode::NotOnRoster => Self::NotAllowed,
            _ => Self::Error,
        }
    }
}

type Hook = Box<dyn Fn() + Send + Sync>;

struct Inner {
    registry: RwLock<Registry>,
    on_scrape: RwLock<Vec<Hook>>,
    /// `LIVECLASS_METRICS_TOKEN`: the bearer token a scrape must send.
    token: Option<String>,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Family<HttpLabels, Histogram, fn() -> Histogram>,
    joins: Family<OutcomeLabels, Counter>,
    job_runs: Family<JobLabels, Counter>,
    job_failures: Family<JobLabels, Counter>,
    job_panics: Family<JobLabels, Counter>,
    job_duration: Family<JobLabels, Histogram, fn() -> Histogram>,
    job_consecutive_failures: Family<JobLabels, Gauge>,
}

/// The process's metrics registry and its built-in metrics; see the module
/// docs.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("protected", &self.0.token.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(None)
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    /// A registry with the built-in metrics; `token`, when set, is the
    /// bearer token `GET /metrics` requires.
    pub fn new(token: Option<String>) -> Self {
        let mut registry = Registry::with_prefix("liveclass");
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            http_requests.clone(),
        );
        let http_duration = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method, route pattern and status",
            Unit::Seconds,
            http_duration.clone(),
        );
        let joins = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "joins",
            "Joins of live classes (POST /live-classes/{id}/join), by outcome",
            joins.clone(),
        );
        let job_runs = Family::<JobLabels, Counter>::default();
        registry.register(
            "background_job_runs",
            "Passes of a background job, whatever their result",
            job_runs.clone(),
        );
        let job_failures = Family::<JobLabels, Counter>::default();
        registry.register(
            "background_job_failures",
            "Passes of a background job that failed (retried later, with backoff)",
            job_failures.clone(),
        );
        let job_panics = Family::<JobLabels, Counter>::default();
        registry.register(
            "background_job_panics",
            "Panics of a background job (restarted by the supervisor)",
            job_panics.clone(),
        );
        let job_duration = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register_with_unit(
            "background_job_duration",
            "Time a background job's pass took",
            Unit::Seconds,
            job_duration.clone(),
        );
        let job_consecutive_failures = Family::<JobLabels, Gauge>::default();
        registry.register(
            "background_job_consecutive_failures",
            "Failed passes of a background job in a row (0 once a pass succeeds)",
            job_consecutive_failures.clone(),
        );
        // Every outcome from the start, so a rate() has a series to work on.
        for outcome in [
            JoinOutcome::Admitted,
            JoinOutcome::AlreadyActive,
            JoinOutcome::Full,
            JoinOutcome::NotLive,
            JoinOutcome::NotFound,
        ] {
            let _ = joins.get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            });
        }
        Self(Arc::new(Inner {
            registry: RwLock::new(registry),
            on_scrape: RwLock::new(Vec::new()),
            token: token.filter(|t| !t.is_empty()),
            http_requests,
            http_duration,
            joins,
            job_runs,
            job_failures,
            job_panics,
            job_duration,
            job_consecutive_failures,
        }))
    }

    /// Registers `metric` under `liveclass_<name>` and returns it (metrics
    /// are handles: the returned one and the registered one are the same).
    pub fn register<M: Metric + Clone>(&self, name: &str, help: &str, metric: M) -> M {
        self.0
            .registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .register(name, help, metric.clone());
        metric
    }

    /// [`Metrics::register`] with a unit (appended to the name:
    /// `liveclass_<name>_seconds`).
    pub fn register_with_unit<M: Metric + Clone>(
        &self,
        name: &str,
        help: &str,
        unit: Unit,
        metric: M,
    ) -> M {
        self.0
            .registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .register_with_unit(name, help, unit, metric.clone());
        metric
    }

    /// Runs `hook` before each scrape: for gauges read from somewhere
    /// rather than kept up to date. Keep it cheap and non-blocking (no
    /// database query: a worker can refresh a gauge instead).
    pub fn on_scrape(&self, hook: impl Fn() + Send + Sync + 'static) {
        self.0
            .on_scrape
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(hook));
    }

    /// Counts a join's outcome.
    pub fn record_join(&self, outcome: JoinOutcome) {
        self.0
            .joins
            .get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            })
            .inc();
    }

    /// Counts an answered request.
    pub fn record_request(&self, labels: &HttpLabels, took: Duration) {
        self.0.http_requests.get_or_create(labels).inc();
        self.0
            .http_duration
            .get_or_create(labels)
            .observe(took.as_secs_f64());
    }

    /// Counts a background job's pass: `failed_in_a_row` is 0 after a pass
    /// that succeeded.
    pub fn record_job_pass(&self, job: &'static str, took: Duration, failed_in_a_row: u32) {
        let labels = JobLabels { job };
        self.0.job_runs.get_or_create(&labels).inc();
        // Every series from the first pass on (0 until something happens).
        let failures = self.0.job_failures.get_or_create(&labels);
        if failed_in_a_row > 0 {
            failures.inc();
        }
        drop(failures);
        let _ = self.0.job_panics.get_or_create(&labels);
        self.0
            .job_duration
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        self.0
            .job_consecutive_failures
            .get_or_create(&labels)
            .set(i64::from(failed_in_a_row));
    }

    /// Counts a background job's panic.
    pub fn record_job_panic(&self, job: &'static str) {
        self.0.job_panics.get_or_create(&JobLabels { job }).inc();
    }

    /// Everything, in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        for hook in self
            .0
            .on_scrape
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            hook();
        }
        let mut text = String::new();
        let registry = self
            .0
            .registry
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &registry) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        text
    }

    /// Whether `req` may read the metrics: always without a token,
    /// otherwise with `Authorization: Bearer <token>`.
    fn authorize(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let Some(expected) = &self.0.token else {
            return Ok(());
        };
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return Err(ApiError::new(
                ErrorCode::MissingToken,
                "GET /metrics needs Authorization: Bearer <LIVECLASS_METRICS_TOKEN>",
            ));
        };
        let given = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match given {
            Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
            _ => Err(ApiError::new(
                ErrorCode::InvalidToken,
                "The metrics token is not valid",
            )),
        }
    }
}

/// Equality whose time does not depend on where the inputs differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // Hashing first makes the lengths equal, so nothing leaks the length.
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// `GET /metrics`: served outside the OpenAPI document (it is for
/// Prometheus, not for API clients).
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(e) = state.metrics.authorize(&req) {
        return e.error_response();
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)))
        .body(state.metrics.encode())
}

/// Middleware: counts every request and its latency by route pattern and
/// status.
pub async fn track<B: MessageBody>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    // Known methods only: a client must not mint series at will.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_owned();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let (route, status) = match &result {
            Ok(res) => (
                res.request().match_pattern(),
                res.response().status().as_u16(),
            ),
            Err(e) => (None, e.as_response_error().status_code().as_u16()),
        };
        let labels = HttpLabels {
            method,
            route: route.unwrap_or_else(|| "unmatched".to_owned()),
            status,
        };
        metrics.record_request(&labels, started.elapsed());
    }
    result
}
