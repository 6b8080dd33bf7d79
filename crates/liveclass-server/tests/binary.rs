//! The `server` binary itself: start-up refusals, graceful shutdown on
//! SIGTERM, and the CLI subcommands.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use liveclass_http::{JwtConfig, JwtKey, JwtVerifier};
use liveclass_server::DEV_JWT_SECRET;

fn server(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env_clear()
        .env("LIVECLASS_DATABASE_URL", dir.path().join("db.sqlite"))
        .env("LIVECLASS_BIND", "127.0.0.1:0")
        .env("LIVECLASS_LOG_FORMAT", "json");
    cmd
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn without_a_jwt_key_the_server_refuses_to_start_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LIVECLASS_JWT_SECRET"), "{stderr}");
    assert!(stderr.contains("LIVECLASS_DEV_MODE"), "{stderr}");
}

#[test]
fn a_video_provider_without_its_settings_stops_start_up_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir)
        .env("LIVECLASS_DEV_MODE", "1")
        .env("LIVECLASS_VIDEO_PROVIDER", "zoom")
        .env("ZOOM_CLIENT_SECRET", "never-printed-secret")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID"),
        "{stderr}"
    );
    assert!(!stderr.contains("never-printed-secret"), "{stderr}");
}

#[test]
fn a_bad_database_url_fails_start_up_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir)
        .env("LIVECLASS_DEV_MODE", "1")
        .env(
            "LIVECLASS_DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/none",
        )
        .env("LIVECLASS_DB_ACQUIRE_TIMEOUT_MS", "500")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot connect to the database"),
        "{stderr}"
    );
}

#[test]
fn the_server_serves_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(&dir)
        .env("LIVECLASS_DEV_MODE", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("LiveClass is listening") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["fields"]["port"].as_u64().unwrap());
            }
        }
    });
    let port = u16::try_from(
        rx.recv_timeout(Duration::from_secs(60))
            .expect("never listened"),
    )
    .unwrap();
    let health = http_get(port, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(http_get(port, "/readyz").starts_with("HTTP/1.1 200"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(40));
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[test]
fn token_prints_a_token_the_development_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir)
        .args([
            "token",
            "--sub",
            "teacher-1",
            "--tenant",
            "acme",
            "--role",
            "training_manager",
            "--role",
            "x",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).unwrap();
    let verifier = JwtVerifier::new(&JwtConfig {
        key: JwtKey::Hs256Secret(DEV_JWT_SECRET.as_bytes().to_vec()),
        issuer: None,
        audience: None,
    })
    .unwrap();
    let caller = verifier.verify(token.trim()).unwrap();
    assert_eq!(caller.user_id.as_str(), "teacher-1");
    assert_eq!(caller.tenant_id.as_str(), "acme");
    assert!(caller.can_manage_classes());
}

#[test]
fn migrate_needs_only_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("db.sqlite").exists());
    let again = server(&dir).arg("migrate").output().unwrap();
    assert!(again.status.success());
}

#[test]
fn openapi_prints_the_generated_document() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(&dir).arg("openapi").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        liveclass_http::openapi::document_json()
    );
}

#[test]
fn generate_classes_needs_no_jwt_key_and_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = server(&dir).arg("generate-classes").output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(
            stderr.contains("classes generated: 0 created, 0 updated, 0 removed"),
            "{stderr}"
        );
    }
}
