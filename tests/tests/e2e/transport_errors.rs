//! What the server answers before any operation runs, over raw TCP: unknown
//! methods on known paths, over-long request targets, and what actix-http's
//! dispatcher refuses itself (malformed requests, heads too large, slow or
//! idle clients). Every one of them is an error in the JSON shape.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::spawn_app;
use liveclass_tests::testing::TestDatabase;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw HTTP/1.1 answer.
#[derive(Debug)]
struct RawReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawReply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the answer is the JSON error shape with `code`.
    fn assert_json_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert!(
            self.header("content-type")
                .is_some_and(|v| v.starts_with("application/json")),
            "not JSON: {self:?}"
        );
        let body: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {self:?}"));
        assert_eq!(body["statusCode"], status, "{body}");
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{body}"
        );
    }
}

/// Sends `request` as is on a new connection (after `pause`, if any, with
/// nothing more sent) and reads until the server closes it or 30 s pass.
async fn raw(port: u16, request: &[u8]) -> RawReply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    // A large request may be refused before it is all written: the answer
    // matters, not the write.
    let _ = stream.write_all(request).await;
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    bytes.extend_from_slice(&chunk[..n]);
                    if complete(&bytes) {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no complete answer within 30 s: {bytes:?}");
    parse(&bytes)
}

/// Whether `bytes` hold a whole response (head and `content-length` body).
fn complete(bytes: &[u8]) -> bool {
    let Some(end) = find(bytes, b"\r\n\r\n") else {
        return false;
    };
    let reply = parse(&bytes[..end + 4]);
    let length: usize = reply
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    bytes.len() >= end + 4 + length
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse(bytes: &[u8]) -> RawReply {
    let end = find(bytes, b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    RawReply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

fn port_of(address: &str) -> u16 {
    address.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_unknown_method_on_a_known_path_is_405_with_allow() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let port = port_of(&app.address);
    let id = "7c5b1f7e-3c1a-4d4b-9a61-1f1f1f1f1f1f";
    for (request_line, allow) in [
        ("PUT /healthz", "GET"),
        ("DELETE /live-classes", "GET, POST"),
        ("PUT /live-classes/{id}", "GET, PATCH, DELETE"),
        ("GET /live-classes/{id}/join", "POST"),
        ("POST /schedules/{id}", "GET, PATCH, DELETE"),
        ("HEAD /openapi.json", "GET"),
    ] {
        let request_line = request_line.replace("{id}", id);
        let reply = raw(
            port,
            format!("{request_line} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await;
        if request_line.starts_with("HEAD") {
            // A HEAD answer has no body; its head is the error's.
            assert_eq!(reply.status, 405, "{request_line}: {reply:?}");
        } else {
            reply.assert_json_error(405, "method_not_allowed");
        }
        assert_eq!(reply.header("allow"), Some(allow), "{request_line}");
    }
    // An unknown path stays a 404.
    raw(
        port,
        b"PUT /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
    .assert_json_error(404, "not_found");
}

#[tokio::test]
async fn a_request_target_over_8_kib_is_414() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let port = port_of(&app.address);
    let long = "a".repeat(8 * 1024);
    raw(
        port,
        format!("GET /live-classes?q={long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .assert_json_error(414, "uri_too_long");
    raw(
        port,
        format!("GET /{long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .assert_json_error(414, "uri_too_long");
}

#[tokio::test]
async fn malformed_requests_are_400_in_the_error_shape() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let port = port_of(&app.address);
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n",
        b"POST /live-classes HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ] {
        let reply = raw(port, request).await;
        reply.assert_json_error(400, "bad_request");
    }
}

#[tokio::test]
async fn a_head_too_large_is_431_in_the_error_shape() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let port = port_of(&app.address);
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(140 * 1024)
    );
    let many: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    for request in [huge, many] {
        raw(port, request.as_bytes())
            .await
            .assert_json_error(431, "headers_too_large");
    }
}

#[tokio::test]
async fn a_slow_or_idle_client_is_408_in_the_error_shape() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let port = port_of(&app.address);
    // Half a head, then nothing; and nothing at all.
    for request in [&b"GET /healthz HTTP/1.1\r\nHost: x\r\n"[..], b""] {
        raw(port, request)
            .await
            .assert_json_error(408, "request_timeout");
    }
}
