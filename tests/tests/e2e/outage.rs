//! A database outage on PostgreSQL: a TCP proxy between the server and the
//! database is cut (every connection dropped, new ones closed at once) and
//! restored. Meanwhile requests answer 503 `database_unavailable` with
//! `Retry-After` within seconds, `/readyz` is not ready and the workers back
//! off; afterwards everything works again without a restart.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, metric_sample, spawn_app_with};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards 127.0.0.1:<port> to `upstream` until cut.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let acceptor = tokio::spawn({
            let cut = cut.clone();
            let connections = connections.clone();
            async move {
                loop {
                    let Ok((mut client, _)) = listener.accept().await else {
                        continue;
                    };
                    if cut.load(Ordering::SeqCst) {
                        // Refused: closed before the first byte.
                        drop(client);
                        continue;
                    }
                    let upstream = upstream.clone();
                    let task = tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(&upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                    connections.lock().unwrap().push(task);
                }
            }
        });
        Self {
            port,
            cut,
            connections,
            acceptor,
        }
    }

    /// Drops every connection and refuses new ones.
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.acceptor.abort();
        self.cut();
    }
}

/// `postgres://user@host:port/db` with its host and port replaced.
fn through(url: &str, port: u16) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let authority_end = rest.find('/').unwrap();
    let (authority, tail) = rest.split_at(authority_end);
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, host_port)) => (format!("{user}@"), host_port),
        None => (String::new(), authority),
    };
    let upstream = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    (format!("{scheme}://{user}127.0.0.1:{port}{tail}"), upstream)
}

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_database_outage_answers_503_quickly_and_recovers_without_a_restart() {
    let Some(db) = TestDatabase::postgres("database outage") else {
        return;
    };
    let (_, upstream) = through(&db.url, 0);
    let proxy = Proxy::start(upstream).await;
    let (proxied, _) = through(&db.url, proxy.port);
    let app = spawn_app_with(
        db,
        &[
            ("LIVECLASS_DATABASE_URL", &proxied),
            ("LIVECLASS_AUTO_END_INTERVAL_SECONDS", "1"),
        ],
    )
    .await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let body = json!({"title": "Outage", "scheduledAt": "2030-11-20T14:00:00Z"});
    assert_eq!(
        app.post_json("/live-classes", &teacher, &body).await.status,
        201
    );
    assert_eq!(app.get("/readyz", &teacher).await.status, 200);

    proxy.cut();
    let cut_at = Instant::now();
    // Reads, writes and the readiness probe: each 503 within seconds, with
    // Retry-After, never a 500 and never a hang.
    for round in 0..4 {
        for (method, path) in [
            ("GET", "/live-classes"),
            ("POST", "/live-classes"),
            ("GET", "/readyz"),
        ] {
            let request = match method {
                "GET" => app.client.get(app.url(path)),
                _ => app.client.post(app.url(path)).json(&body),
            };
            let started = Instant::now();
            let response = request
                .bearer_auth(&teacher)
                .timeout(Duration::from_secs(20))
                .send()
                .await
                .unwrap();
            let took = started.elapsed();
            assert_eq!(response.status(), 503, "{method} {path} (round {round})");
            assert!(
                took < Duration::from_secs(3),
                "{method} {path} took {took:?} (round {round})"
            );
            let retry_after = response.headers().get("retry-after").cloned();
            let reply: serde_json::Value = response.json().await.unwrap();
            assert_eq!(reply["code"], "database_unavailable", "{method} {path}");
            assert!(
                retry_after.is_some_and(|v| v.to_str().unwrap().parse::<u64>().unwrap() >= 1),
                "{method} {path}: no Retry-After"
            );
        }
    }
    // Once known to be down, calls fail at once rather than wait for the pool.
    let started = Instant::now();
    assert_eq!(app.get("/live-classes", &teacher).await.status, 503);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    // The workers fail and back off; the metrics say so (they need no database).
    while cut_at.elapsed() < Duration::from_secs(4) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let text = metrics(&app).await;
    assert_eq!(
        metric_sample(&text, "liveclass_database_up"),
        Some(0.0),
        "{text}"
    );
    let failures = metric_sample(
        &text,
        "liveclass_background_job_consecutive_failures{job=\"auto-end\"}",
    )
    .unwrap();
    let runs = metric_sample(
        &text,
        "liveclass_background_job_runs_total{job=\"auto-end\"}",
    )
    .unwrap();
    assert!(failures >= 1.0, "{text}");
    // Every second without backoff would be 4 or 5 failed passes by now;
    // with it (1 s, 2 s, 4 s, …) at most 3.
    assert!(failures <= 3.0, "no backoff: {failures} failures in a row");
    assert!(runs >= failures);

    proxy.restore();
    let restored = Instant::now();
    loop {
        let ready = app.get("/readyz", &teacher).await;
        if ready.status == 200 {
            break;
        }
        assert_eq!(ready.status, 503);
        assert!(
            restored.elapsed() < Duration::from_secs(15),
            "not ready 15 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let listed = app.get("/live-classes", &teacher).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["total"], 1, "{:?}", listed.body);
    assert_eq!(
        app.post_json("/live-classes", &teacher, &body).await.status,
        201
    );
    assert_eq!(
        metric_sample(&metrics(&app).await, "liveclass_database_up"),
        Some(1.0)
    );

    // The workers come back too: a successful pass resets their failures.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = metrics(&app).await;
        let failures = metric_sample(
            &text,
            "liveclass_background_job_consecutive_failures{job=\"auto-end\"}",
        );
        if failures == Some(0.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "auto-end never recovered:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
