//! The HTTP plumbing the Daily and Zoom adapters share: one reqwest client
//! with timeouts, retries with exponential backoff and jitter on 429, 5xx and
//! transport failures (honouring `Retry-After`), and the common mapping of
//! statuses to [`VideoError`].

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use liveclass_domain::video::VideoError;
use reqwest::{RequestBuilder, StatusCode};

/// Timeouts and retry policy of a provider client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// Whole-request timeout, per attempt.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// The first backoff delay; it doubles each retry, with jitter.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails
    /// with `RateLimited` so the caller's request is not held that long.
    pub max_retry_after: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_retries: 2,
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// Installs ring as rustls's process-wide crypto provider (reqwest is built
/// with `rustls-no-provider` to avoid aws-lc-sys). Idempotent.
pub fn install_crypto_provider() {
    // Err means a provider is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether repeating a request can do harm. Creating something twice is the
/// harm we avoid: a non-idempotent request is retried only when the provider
/// said it did nothing (429).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    Idempotent,
    NotIdempotent,
}

/// A failed call, before the adapter translates it.
#[derive(Debug)]
pub(crate) enum CallError {
    Status {
        status: StatusCode,
        body: String,
        retry_after: Option<Duration>,
    },
    /// Timeout, refused connection, broken body.
    Transport(String),
}

impl CallError {
    fn retryable(&self, idempotency: Idempotency) -> bool {
        let idempotent = idempotency == Idempotency::Idempotent;
        match self {
            Self::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => true,
            Self::Status { status, .. } => status.is_server_error() && idempotent,
            Self::Transport(_) => idempotent,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            Self::Transport(_) => None,
        }
    }

    /// The common translation; `detail` is the provider's own explanation
    /// of a 4xx, parsed from its error body.
    pub(crate) fn into_video_error(self, provider: &str, detail: Option<String>) -> VideoError {
        match self {
            Self::Status {
                status,
                retry_after,
                ..
            } => match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => VideoError::Unauthorized,
                StatusCode::NOT_FOUND => VideoError::NotFound,
                StatusCode::TOO_MANY_REQUESTS => VideoError::RateLimited { retry_after },
                s if s.is_server_error() => {
                    VideoError::Unavailable(format!("{provider} answered {s}"))
                }
                s => VideoError::Invalid(
                    detail.unwrap_or_else(|| format!("{provider} answered {s}")),
                ),
            },
            Self::Transport(message) => VideoError::Unavailable(format!("{provider}: {message}")),
        }
    }
}

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub body: Vec<u8>,
}

/// One provider's HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct ApiClient {
    http: reqwest::Client,
    options: HttpOptions,
    provider: &'static str,
}

impl ApiClient {
    pub(crate) fn new(provider: &'static str, options: HttpOptions) -> Result<Self, anyhow::Error> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("liveclass/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            options,
            provider,
        })
    }

    /// Sends the request `build` makes (once per attempt), retrying as
    /// [`HttpOptions`] says. Returns the 2xx answer, or the last failure.
    pub(crate) async fn send(
        &self,
        idempotency: Idempotency,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer, CallError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_max_times(self.options.max_retries)
            .with_jitter();
        let max_retry_after = self.options.max_retry_after;
        let provider = self.provider;
        (|| async { attempt(build(&self.http)).await })
            .retry(backoff)
            .when(|e: &CallError| e.retryable(idempotency))
            .adjust(move |e, planned| match (planned, e.retry_after()) {
                // Out of retries: stop, whatever the provider asked.
                (None, _) => None,
                (Some(_), Some(wait)) if wait > max_retry_after => None,
                (Some(_), Some(wait)) => Some(wait),
                (Some(planned), None) => Some(planned),
            })
            .notify(|e, wait| {
                tracing::warn!(provider, error = ?e.summary(), ?wait, "video provider call failed; retrying");
            })
            .await
    }
}

impl CallError {
    /// For logs: the status, never the body (it may echo what we sent).
    fn summary(&self) -> String {
        match self {
            Self::Status { status, .. } => status.to_string(),
            Self::Transport(m) => m.clone(),
        }
    }
}

async fn attempt(request: RequestBuilder) -> Result<Answer, CallError> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        // Providers send delta-seconds; an HTTP date falls back to backoff.
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.map_err(transport)?.to_vec();
    if status.is_success() {
        Ok(Answer { body })
    } else {
        Err(CallError::Status {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
            retry_after,
        })
    }
}

fn transport(e: reqwest::Error) -> CallError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // Without the URL: it can carry ids we would rather not log.
    CallError::Transport(format!("{kind}: {}", e.without_url()))
}
