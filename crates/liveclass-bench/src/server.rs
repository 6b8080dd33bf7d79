//! A `server` process for one scenario.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, anyhow};

pub struct ServerProcess {
    child: Child,
    pub port: u16,
}

impl ServerProcess {
    /// Starts `bin` in development mode (the bench mints tokens with the
    /// development secret) on an ephemeral loopback port.
    pub fn start(bin: &Path, database_url: &str, extra: &[(&str, String)]) -> anyhow::Result<Self> {
        let mut cmd = Command::new(bin);
        cmd.env_clear()
            .env("LIVECLASS_DATABASE_URL", database_url)
            .env("LIVECLASS_BIND", "127.0.0.1:0")
            .env("LIVECLASS_DEV_MODE", "1")
            .env("LIVECLASS_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,liveclass_server=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("LiveClass is listening") {
                    let port = serde_json::from_str::<serde_json::Value>(&line)
                        .ok()
                        .and_then(|v| v["fields"]["port"].as_u64());
                    let _ = tx.send(port);
                } else if line.contains("\"ERROR\"") {
                    eprintln!("server: {line}");
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(60))
            .context("the server did not start listening")?
            .ok_or_else(|| anyhow!("the server's start-up line had no port"))?;
        Ok(Self {
            child,
            port: u16::try_from(port)?,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The memory the process has resident now (VmRSS), in bytes.
    pub fn rss_bytes(&self) -> Option<u64> {
        self.status_kib("VmRSS:").map(|kib| kib * 1024)
    }

    fn status_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The most memory the process has had resident (VmHWM), in bytes.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
