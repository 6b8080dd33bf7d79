//! Runs the real `server` binary for tests.

#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

pub const SECRET: &str = "a-multi-process-test-secret-of-32-bytes+";

/// A `server` process; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub port: u16,
    /// Every line it wrote to stderr so far (JSON logs).
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `server` with `env` (plus JSON logs on an ephemeral port) and
    /// waits until it listens.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.env_clear()
            .env("LIVECLASS_BIND", "127.0.0.1:0")
            .env("LIVECLASS_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,liveclass_server=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line.clone());
                if line.contains("LiveClass is listening") {
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                    let _ = tx.send(v["fields"]["port"].as_u64().unwrap());
                } else if line.contains("\"ERROR\"") || line.contains("database is locked") {
                    eprintln!("server: {line}");
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server never started listening");
        Self {
            child,
            port: u16::try_from(port).unwrap(),
            lines,
        }
    }

    /// The lines logged at ERROR level so far.
    pub fn error_lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("\"ERROR\""))
            .cloned()
            .collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
