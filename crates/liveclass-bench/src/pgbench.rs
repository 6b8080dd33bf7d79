//! The database limit: the server's own SQL under pgbench, at the same
//! concurrency, against the same PostgreSQL.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, anyhow};

pub enum Length {
    Transactions(usize),
    Time(Duration),
}

/// Runs `script` with `clients` clients and returns transactions per second.
pub fn tps(
    database_url: &str,
    script: &Path,
    clients: usize,
    length: Length,
    vars: &[(&str, &str)],
) -> anyhow::Result<f64> {
    let mut cmd = Command::new("pgbench");
    cmd.args([
        "-n",
        "-M",
        "prepared",
        "-j",
        "2",
        "-c",
        &clients.to_string(),
    ]);
    match length {
        Length::Transactions(t) => cmd.args(["-t", &t.to_string()]),
        Length::Time(d) => cmd.args(["-T", &d.as_secs().max(1).to_string()]),
    };
    for (k, v) in vars {
        cmd.arg("-D").arg(format!("{k}={v}"));
    }
    cmd.arg("-f").arg(script).arg(database_url);
    let output = cmd
        .output()
        .context("cannot run pgbench (is postgresql-client installed?)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(anyhow!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse_tps(&stdout).ok_or_else(|| anyhow!("no tps in pgbench's output: {stdout}"))
}

fn parse_tps(output: &str) -> Option<f64> {
    output
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tps_line_is_read_from_pgbench_output() {
        let output = "number of failed transactions: 0 (0.000%)\nlatency average = 84.570 ms\n\
                      initial connection time = 31.2 ms\ntps = 756.772833 (without initial connection time)\n";
        assert_eq!(super::parse_tps(output), Some(756.772833));
        assert_eq!(super::parse_tps("pgbench: error"), None);
    }
}
