//! The `server` binary itself: start-up refusals, graceful shutdown on
//! SIGTERM, and the CLI subcommands.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
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

/// Spawns `cmd` with its stderr captured and waits until it listens: the
/// child, its port, and every log line so far and to come.
fn spawn_listening(cmd: &mut Command) -> (Child, u16, Arc<Mutex<Vec<String>>>) {
    let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let log = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("LiveClass is listening") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["fields"]["port"].as_u64().unwrap());
            }
            log.lock().unwrap().push(line);
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("never listened: {:#?}", lines.lock().unwrap())
        });
    (child, u16::try_from(port).unwrap(), lines)
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    wait_with_timeout(child, Duration::from_secs(40))
}

fn http_get(port: u16, path: &str) -> String {
    http_get_from("127.0.0.1", port, path)
}

fn http_get_from(host: &str, port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect((host, port)).unwrap();
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
fn a_first_start_on_a_new_sqlite_file_logs_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _port, lines) = spawn_listening(server(&dir).env("LIVECLASS_DEV_MODE", "1"));
    let status = terminate(&mut child);
    assert!(status.success(), "exit after SIGTERM: {status}");
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("applied database migrations")),
        "{lines:#?}"
    );
    let errors: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("\"ERROR\"") || l.contains("database is locked"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn an_unreachable_database_stops_start_up_at_once_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = server(&dir)
        .env("LIVECLASS_DEV_MODE", "1")
        .env(
            "LIVECLASS_DATABASE_URL",
            "postgres://postgres:hunter2@127.0.0.1:1/x",
        )
        .output()
        .unwrap();
    // Well under the 5 s the pool would wait for a connection.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    // The error, then its causes down to the database's own message.
    assert!(
        lines[0].starts_with(
            "server: cannot connect to the database postgres://postgres:***@127.0.0.1:1/x: "
        ),
        "{stderr}"
    );
    assert!(lines[0].contains("Connection refused"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn an_unsupported_database_url_scheme_is_refused_by_name() {
    for (url, scheme) in [("mysql://x", "mysql"), ("mongodb://db/live", "mongodb")] {
        let dir = tempfile::tempdir().unwrap();
        let output = server(&dir)
            .current_dir(dir.path())
            .env("LIVECLASS_DEV_MODE", "1")
            .env("LIVECLASS_DATABASE_URL", url)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim(),
            format!(
                "server: unsupported database URL scheme \"{scheme}\": \
                 use a SQLite path, sqlite://… or postgres://…"
            )
        );
        // Not taken for a SQLite file either.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn the_server_listens_on_a_host_name_or_an_ipv6_address() {
    for (bind, host) in [("localhost:0", "localhost"), ("[::1]:0", "::1")] {
        let dir = tempfile::tempdir().unwrap();
        let (mut child, port, _) = spawn_listening(
            server(&dir)
                .env("LIVECLASS_DEV_MODE", "1")
                .env("LIVECLASS_BIND", bind),
        );
        let health = http_get_from(host, port, "/healthz");
        assert!(health.starts_with("HTTP/1.1 200"), "{bind}: {health}");
        assert!(terminate(&mut child).success());
    }
}

#[test]
fn the_server_serves_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port, lines) = spawn_listening(server(&dir).env("LIVECLASS_DEV_MODE", "1"));
    let health = http_get(port, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(http_get(port, "/readyz").starts_with("HTTP/1.1 200"));

    let status = terminate(&mut child);
    assert!(status.success(), "exit after SIGTERM: {status}");
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().any(|l| l.contains("background jobs stopped")),
        "{lines:#?}"
    );
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
        leeway_seconds: 60,
        claims: liveclass_http::ClaimMapping::default(),
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
