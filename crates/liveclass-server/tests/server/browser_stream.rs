//! A real browser on a class's event stream: headless Chromium opens an
//! `EventSource` with a stream token on a small page (`tests/browser/
//! stream.html`), receives events caused over HTTP, and when the server is
//! killed and started again (same database, same port) it reconnects with
//! `Last-Event-ID` and gets every event once, in order, with no gap.
//!
//! Chromium must be installed (`.ci/run` installs Debian's `chromium` when
//! missing): without it this test fails, it does not skip. `LIVECLASS_CHROMIUM`
//! names another binary.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{SECRET, ServerProcess};
use liveclass_http::TokenIssuer;
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const PAGE: &str = include_str!("../../../../tests/browser/stream.html");

/// What the page reported, one query string per report.
type Reports = Arc<Mutex<Vec<String>>>;

/// Serves the page and collects its reports, on a thread.
fn serve_page() -> (u16, Reports) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reports: Reports = Arc::default();
    let kept = reports.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Skip the headers.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body, kind) = if target.starts_with("/page") {
                ("200 OK", PAGE.to_owned(), "text/html; charset=utf-8")
            } else if let Some(query) = target.strip_prefix("/report?") {
                kept.lock().unwrap().push(query.to_owned());
                ("200 OK", String::new(), "text/plain")
            } else {
                ("404 Not Found", String::new(), "text/plain")
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, reports)
}

/// Headless Chromium on `url`; killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn open(url: &str) -> Self {
        let binary = std::env::var("LIVECLASS_CHROMIUM").ok().or_else(|| {
            ["chromium", "chromium-browser", "google-chrome"]
                .into_iter()
                .find(|b| {
                    Command::new(b)
                        .arg("--version")
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success())
                })
                .map(str::to_owned)
        });
        let binary = binary.unwrap_or_else(|| {
            panic!(
                "Chromium is not installed: this test needs a real browser. Install it with \
                 `apt-get update && apt-get install -y chromium` (.ci/run does), or set \
                 LIVECLASS_CHROMIUM to a Chromium binary"
            )
        });
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-dev-shm-usage",
                // The page's origin is not the server's: let the stream
                // through without CORS (LiveClass serves no browser pages).
                "--disable-web-security",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A report as (kind, id, type), in the page's order.
fn reports(reports: &Reports) -> Vec<(String, String, String)> {
    let mut parsed: Vec<(u64, String, String, String)> = reports
        .lock()
        .unwrap()
        .iter()
        .map(|q| {
            let field = |name: &str| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .unwrap_or("")
                    .to_owned()
            };
            (
                field("n").parse().unwrap_or(0),
                field("kind"),
                field("id"),
                field("type"),
            )
        })
        .collect();
    parsed.sort();
    parsed.into_iter().map(|(_, k, i, t)| (k, i, t)).collect()
}

fn event_ids(reports: &Reports) -> Vec<u64> {
    self::reports(reports)
        .into_iter()
        .filter(|(kind, _, _)| kind == "event")
        .map(|(_, id, _)| id.parse().unwrap())
        .collect()
}

async fn wait_for_events(reports: &Reports, n: usize, within: Duration) -> Vec<u64> {
    let deadline = Instant::now() + within;
    loop {
        let ids = event_ids(reports);
        if ids.len() >= n {
            return ids;
        }
        assert!(
            Instant::now() < deadline,
            "the browser received {} of {n} events: {:?}",
            ids.len(),
            self::reports(reports)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_browser_streams_a_class_and_resumes_after_a_server_restart() {
    // Without Chromium a newcomer's `make test` skips this test with a
    // notice; `.ci/run` sets LIVECLASS_REQUIRE_TEST_TOOLS (so does `CI`)
    // and then it fails instead.
    let browser = std::env::var_os("LIVECLASS_CHROMIUM").is_some()
        || ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .any(|b| {
                Command::new(b)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            });
    let required = std::env::var_os("LIVECLASS_REQUIRE_TEST_TOOLS").is_some()
        || std::env::var_os("CI").is_some();
    if !browser && !required {
        eprintln!("NOTICE: headless Chromium is missing, so this test is skipped (CI requires it)");
        return;
    }
    let db = TestDatabase::sqlite();
    let env = |bind: String| {
        vec![
            ("LIVECLASS_DATABASE_URL", db.url.clone()),
            ("LIVECLASS_JWT_SECRET", SECRET.to_owned()),
            ("LIVECLASS_BIND", bind),
        ]
    };
    let start = |bind: String| {
        let vars = env(bind);
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ServerProcess::start(&refs)
    };
    let server = start("127.0.0.1:0".to_owned());
    let port = server.port;

    liveclass_video::install_crypto_provider();
    // No kept-alive connections: the server is killed half-way.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let issuer = TokenIssuer::hs256(SECRET.as_bytes(), None, None);
    let teacher = issuer
        .mint("teacher", "acme", &["training_manager"], None, 600)
        .unwrap();
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    let created: Value = client
        .post(url("/live-classes"))
        .bearer_auth(&teacher)
        .json(&json!({"title": "Browser", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": 50}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let class = created["id"].as_str().unwrap().to_owned();
    let join = |i: usize| {
        let token = issuer
            .mint(&format!("student-{i}"), "acme", &["student"], None, 600)
            .unwrap();
        let request = client
            .post(url(&format!("/live-classes/{class}/join")))
            .bearer_auth(token);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
        }
    };
    let token: Value = client
        .post(url(&format!("/live-classes/{class}/events/token")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stream_url = url(token["streamUrl"].as_str().unwrap());

    let (page_port, reported) = serve_page();
    let page = format!(
        "http://127.0.0.1:{page_port}/page?stream={}",
        stream_url
            .replace('&', "%26")
            .replace('?', "%3F")
            .replace('=', "%3D")
    );
    let _browser = Browser::open(&page);
    // class.created, then events caused over HTTP while it watches.
    assert_eq!(
        wait_for_events(&reported, 1, Duration::from_secs(30)).await,
        [1]
    );
    let started = client
        .post(url(&format!("/live-classes/{class}/start")))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    join(0).await;
    // Started, the teacher seated by the start, the join.
    assert_eq!(
        wait_for_events(&reported, 4, Duration::from_secs(10)).await,
        [1, 2, 3, 4]
    );

    // Kill the server, start it again on the same port and database, and
    // cause events before the browser is back (its retry hint is 3 s).
    drop(server);
    let server = start(format!("127.0.0.1:{port}"));
    assert_eq!(server.port, port);
    join(1).await;
    join(2).await;
    let ids = wait_for_events(&reported, 6, Duration::from_secs(20)).await;
    assert_eq!(ids, [1, 2, 3, 4, 5, 6], "{:?}", reports(&reported));
    // And live ones after it.
    join(3).await;
    let ids = wait_for_events(&reported, 7, Duration::from_secs(10)).await;
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7], "no gap, no duplicate");
    let kinds: Vec<String> = reports(&reported).into_iter().map(|(k, _, _)| k).collect();
    assert!(
        kinds.iter().filter(|k| *k == "open").count() >= 2 && kinds.contains(&"error".to_owned()),
        "the browser lost the stream and reopened it: {kinds:?}"
    );
    assert!(
        server.error_lines().is_empty(),
        "{:?}",
        server.error_lines()
    );
}
