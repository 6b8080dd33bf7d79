//! Spawns the whole application on port 0 against a fresh database, and
//! talks to it over real HTTP.

use std::collections::HashMap;

use std::sync::Arc;

use liveclass_domain::clock::{Clock, FixedClock, SystemClock};
use liveclass_http::TokenIssuer;
use liveclass_persistence::testing::TestDatabase;
use liveclass_server::{Application, Settings};
use serde_json::Value;

pub use liveclass_persistence::testing;

pub const SECRET: &str = "an-end-to-end-test-secret-32-bytes-or-more";

/// A running application and its database; both go away on drop.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    issuer: TokenIssuer,
    handle: actix_web::dev::ServerHandle,
}

/// Starts the application on `db`, with extra settings on top of the test
/// defaults.
///
/// # Panics
/// When the application cannot be built.
#[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
pub async fn spawn_app_with(db: TestDatabase, extra: &[(&str, &str)]) -> TestApp {
    spawn_app_with_clock(db, extra, Arc::new(SystemClock)).await
}

/// Starts the application on `db` reading `clock`: a test moves a
/// [`FixedClock`] instead of sleeping or rewriting times with SQL.
///
/// # Panics
/// When the application cannot be built.
#[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
pub async fn spawn_app_at(
    db: TestDatabase,
    extra: &[(&str, &str)],
    clock: Arc<FixedClock>,
) -> TestApp {
    spawn_app_with_clock(db, extra, clock).await
}

#[allow(clippy::unwrap_used)]
async fn spawn_app_with_clock(
    db: TestDatabase,
    extra: &[(&str, &str)],
    clock: Arc<dyn Clock>,
) -> TestApp {
    let mut vars: HashMap<String, String> = [
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_BIND", "127.0.0.1:0"),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "2"),
        ("LIVECLASS_DB_POOL_SIZE", "8"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_lookup(|name| vars.get(name).cloned()).unwrap();
    let app = Application::build_with_clock(settings, clock)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: {
            // reqwest is built without a default TLS provider (see liveclass-video).
            liveclass_video::install_crypto_provider();
            reqwest::Client::new()
        },
        db,
        issuer: TokenIssuer::hs256(SECRET.as_bytes(), None, None),
        handle,
    }
}

pub async fn spawn_app(db: TestDatabase) -> TestApp {
    spawn_app_with(db, &[]).await
}

/// A test's answer: status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl TestApp {
    /// A valid token for `sub` in `tenant` with `roles`.
    ///
    /// # Panics
    /// Never: HS256 signing does not fail.
    #[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
    pub fn token(&self, sub: &str, tenant: &str, roles: &[&str]) -> String {
        self.issuer
            .mint(sub, tenant, roles, Some(&format!("{sub}'s name")), 600)
            .unwrap()
    }

    /// A valid token for `sub` in `tenant` with `roles` and the display
    /// name `name`.
    ///
    /// # Panics
    /// Never: HS256 signing does not fail.
    #[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
    pub fn token_named(&self, sub: &str, tenant: &str, roles: &[&str], name: &str) -> String {
        self.issuer
            .mint(sub, tenant, roles, Some(name), 600)
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// # Panics
    /// When the request cannot be sent or the body is not JSON.
    #[allow(clippy::unwrap_used, clippy::missing_panics_doc)]
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text:?}"));
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn post(&self, path: &str, token: &str) -> Reply {
        self.send(self.client.post(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn patch_json(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(
            self.client
                .patch(self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    /// Polls `path` every 100 ms, for up to 15 s, until it answers 200 with
    /// a body `check` accepts; returns that body.
    ///
    /// # Panics
    /// When it never does.
    pub async fn eventually(
        &self,
        path: &str,
        token: &str,
        check: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..150 {
            let reply = self.get(path, token).await;
            if reply.status == 200 && check(&reply.body) {
                return reply.body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "{path} never reached the expected state: {}",
            self.get(path, token).await.body
        );
    }

    pub async fn put_json(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(
            self.client
                .put(self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn put(&self, path: &str, token: &str) -> Reply {
        self.send(self.client.put(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.send(self.client.delete(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop serving before the database is dropped.
        let stop = self.handle.stop(false);
        drop(stop);
    }
}

pub use liveclass_persistence::on_both_backends;

/// Set by `.ci/run` (and honoured when `CI` is set): tests that need a tool
/// nobody here wrote (headless Chromium, the official Python Standard
/// Webhooks library) fail when it is missing instead of skipping.
pub const REQUIRE_TOOLS_VAR: &str = "LIVECLASS_REQUIRE_TEST_TOOLS";

/// Whether the check that needs `tool` can run. A newcomer's `make test`
/// (only Rust and a C compiler) skips it with a notice; CI fails.
///
/// # Panics
/// When the tool is missing and CI requires it.
#[allow(clippy::missing_panics_doc)]
pub fn tool_available(tool: &str, available: bool, install: &str) -> bool {
    if available {
        return true;
    }
    let required =
        std::env::var_os(REQUIRE_TOOLS_VAR).is_some() || std::env::var_os("CI").is_some();
    assert!(
        !required,
        "{tool} is missing and {REQUIRE_TOOLS_VAR}/CI requires it: {install}"
    );
    eprintln!("NOTICE: {tool} is missing, so this check is skipped ({install}; CI requires it)");
    false
}

/// Whether `program --version` runs.
pub fn runs(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The value of the sample line of a `/metrics` text that starts with
/// `series ` (exactly: name and labels), if there is one.
///
/// # Panics
/// When the value is not a number.
#[allow(clippy::missing_panics_doc)]
pub fn metric_sample(text: &str, series: &str) -> Option<f64> {
    let value = text
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))?;
    let number = value.split_whitespace().next().unwrap_or_default();
    Some(
        number
            .parse()
            .unwrap_or_else(|e| panic!("{series}: `{number}` is not a number: {e}")),
    )
}

pub mod sse;
