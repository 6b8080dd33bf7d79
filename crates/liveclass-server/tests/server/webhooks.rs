//! Webhook deliveries with real `server` processes on one PostgreSQL
//! database: a process killed (SIGKILL) after the event committed and before
//! it was sent loses nothing (the next process delivers it), and two
//! processes deliver each event once.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::HashSet;
use std::time::Duration;

use common::{SECRET, ServerProcess};
use liveclass_http::TokenIssuer;
use liveclass_persistence::testing::TestDatabase;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn env<'a>(db: &'a TestDatabase, interval_ms: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("LIVECLASS_DATABASE_URL", db.url.as_str()),
        ("LIVECLASS_JWT_SECRET", SECRET),
        ("LIVECLASS_WORKERS", "2"),
        ("LIVECLASS_DB_POOL_SIZE", "6"),
        ("LIVECLASS_SECRETS_KEY", KEY),
        ("LIVECLASS_WEBHOOK_ALLOW_PRIVATE", "1"),
        ("LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS", interval_ms),
    ]
}

struct Client {
    http: reqwest::Client,
    issuer: TokenIssuer,
}

impl Client {
    fn new() -> Self {
        liveclass_video::install_crypto_provider();
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            issuer: TokenIssuer::hs256(SECRET.as_bytes(), None, None),
        }
    }
    fn token(&self, sub: &str, roles: &[&str]) -> String {
        self.issuer.mint(sub, "acme", roles, None, 600).unwrap()
    }
    async fn post(&self, url: String, token: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.post(url).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let response = req.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

async fn received(server: &MockServer, n: usize) -> Vec<wiremock::Request> {
    for _ in 0..300 {
        let got = server.received_requests().await.unwrap_or_default();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the receiver got {} requests, not {n}, within 30 s",
        server.received_requests().await.unwrap_or_default().len()
    );
}

fn verify(secret: &str, request: &wiremock::Request) {
    let mut headers = http::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let value = request.headers.get(name).unwrap();
        headers.insert(
            name,
            http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&request.body, &headers)
        .unwrap();
}

/// Waits until the process's webhook delivery job has finished a pass
/// (its start-up pass), as its `/metrics` count.
async fn first_delivery_pass_done(client: &Client, server: &ServerProcess) {
    for _ in 0..200 {
        let text = client
            .http
            .get(server.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let ran = text.lines().any(|l| {
            l.starts_with("liveclass_background_job_runs_total{job=\"webhook-deliveries\"}")
                && l.split_whitespace().last().is_some_and(|n| n != "0")
        });
        if ran {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the webhook delivery job never finished its first pass");
}

async fn setup(server: &ServerProcess, client: &Client, hook: &MockServer) -> String {
    let admin = client.token("admin", &["org_admin"]);
    let (status, body) = client
        .post(
            server.url("/webhook-endpoints"),
            &admin,
            Some(json!({"url": format!("{}/hooks", hook.uri())})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["secret"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_committed_before_a_crash_is_sent_by_the_next_process() {
    let Some(db) = TestDatabase::postgres("webhook_crash_between_commit_and_send") else {
        return;
    };
    let hook = receiver().await;
    let client = Client::new();
    // The first process never gets to deliver: its job runs hourly, and its
    // first pass (at start-up) is over before anything is written.
    let mut first = ServerProcess::start(&env(&db, "3600000"));
    first_delivery_pass_done(&client, &first).await;
    let secret = setup(&first, &client, &hook).await;
    let teacher = client.token("teacher", &["training_manager"]);
    let (status, class) = client
        .post(
            first.url("/live-classes"),
            &teacher,
            Some(json!({"title": "Crash", "scheduledAt": "2030-01-01T10:00:00Z"})),
        )
        .await;
    assert_eq!(status, 201, "{class}");
    // Committed with its event, not sent: SIGKILL now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(hook.received_requests().await.unwrap().is_empty());

    let _second = ServerProcess::start(&env(&db, "50"));
    let got = received(&hook, 1).await;
    verify(&secret, &got[0]);
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["type"], "class.created");
    assert_eq!(body["data"]["liveClassId"], class["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_deliver_each_event_once() {
    let Some(db) = TestDatabase::postgres("webhook_two_processes_deliver_once") else {
        return;
    };
    let hook = receiver().await;
    let client = Client::new();
    let a = ServerProcess::start(&env(&db, "20"));
    let b = ServerProcess::start(&env(&db, "20"));
    let secret = setup(&a, &client, &hook).await;
    let teacher = client.token("teacher", &["training_manager"]);
    let (status, class) = client
        .post(
            a.url("/live-classes"),
            &teacher,
            Some(json!({"title": "Twice", "scheduledAt": "2030-01-01T10:00:00Z"})),
        )
        .await;
    assert_eq!(status, 201, "{class}");
    let id = class["id"].as_str().unwrap();
    let (status, _) = client
        .post(a.url(&format!("/live-classes/{id}/start")), &teacher, None)
        .await;
    assert_eq!(status, 200);
    const STUDENTS: usize = 30;
    for n in 0..STUDENTS {
        let server = if n % 2 == 0 { &a } else { &b };
        let student = client.token(&format!("student-{n}"), &["student"]);
        let (status, body) = client
            .post(
                server.url(&format!("/live-classes/{id}/join")),
                &student,
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // created, started, the teacher's join (the start seats them), the joins.
    let events = 3 + STUDENTS;
    let got = received(&hook, events).await;
    // Nothing more arrives: no attempt was made twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_after = hook.received_requests().await.unwrap();
    assert_eq!(got_after.len(), events, "duplicate deliveries");
    let ids: HashSet<String> = got
        .iter()
        .map(|r| {
            r.headers
                .get("webhook-id")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), events);
    for request in &got {
        verify(&secret, request);
    }
}
