//! The report: JSON for machines, a markdown table for the README, an HTML
//! page with charts for people (`html.rs`).

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::Args;
use crate::stats::OpSummary;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub postgres: String,
    pub kernel: String,
}

impl Machine {
    pub fn describe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_gib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
        let run = |cmd: &str, args: &[&str]| {
            std::process::Command::new(cmd)
                .args(args)
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: (memory_gib * 10.0).round() / 10.0,
            postgres: run("pg_config", &["--version"]),
            kernel: run("uname", &["-r"]),
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "{} cores ({}), {} GiB, {}, Linux {}",
            self.cores, self.cpu, self.memory_gib, self.postgres, self.kernel
        )
    }
}

/// A ratio of the HTTP rate to pgbench's rate for the same SQL.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub name: String,
    pub http_per_second: f64,
    pub pgbench_tps: f64,
    pub ratio: f64,
}

/// An invariant checked against the database.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub description: String,
    pub wall_seconds: f64,
    pub ops: Vec<OpSummary>,
    pub peak_rss_mib: Option<f64>,
    pub ratios: Vec<Ratio>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: Machine,
    pub concurrency: usize,
    pub seconds: u64,
    pub scenarios: Vec<ScenarioResult>,
}

impl Report {
    pub fn new(machine: Machine, args: &Args, scenarios: Vec<ScenarioResult>) -> Self {
        Self {
            machine,
            concurrency: args.concurrency,
            seconds: args.seconds,
            scenarios,
        }
    }

    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(self)?)?;
        std::fs::write(dir.join("report.md"), self.markdown())?;
        std::fs::write(dir.join("report.html"), crate::html::render(self))?;
        Ok(())
    }

    pub fn violations(&self) -> impl Iterator<Item = String> + '_ {
        self.scenarios.iter().flat_map(|s| {
            s.checks
                .iter()
                .filter(|c| !c.ok)
                .map(move |c| format!("{}: {}: {}", s.name, c.name, c.detail))
        })
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "Machine: {}.", self.machine.summary());
        let _ = writeln!(
            md,
            "PostgreSQL on the same machine, durable commits; server and load generator on loopback."
        );
        let ratios: Vec<&Ratio> = self.scenarios.iter().flat_map(|s| &s.ratios).collect();
        if !ratios.is_empty() {
            let _ = writeln!(
                md,
                "\n| HTTP vs pgbench, same SQL, {} clients | HTTP/s | pgbench tps | ratio |",
                self.concurrency
            );
            let _ = writeln!(md, "| --- | ---: | ---: | ---: |");
            for r in ratios {
                let _ = writeln!(
                    md,
                    "| {} | {:.0} | {:.0} | **{:.2}** |",
                    r.name, r.http_per_second, r.pgbench_tps, r.ratio
                );
            }
        }
        for s in &self.scenarios {
            md.push('\n');
            md.push_str(&scenario_markdown(s));
        }
        md
    }
}

pub fn scenario_markdown(s: &ScenarioResult) -> String {
    let mut md = String::new();
    let rss = s
        .peak_rss_mib
        .map_or("n/a".into(), |m| format!("{m:.0} MiB"));
    let _ = writeln!(
        md,
        "**{}**: {} ({:.2} s, server peak RSS {rss})\n",
        s.name, s.description, s.wall_seconds
    );
    let _ = writeln!(
        md,
        "| operation | requests | per second | p50 ms | p95 ms | p99 ms | max ms | statuses |"
    );
    let _ = writeln!(
        md,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for op in &s.ops {
        let statuses: Vec<String> = op
            .statuses
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            op.op,
            op.requests,
            op.per_second,
            op.p50_ms,
            op.p95_ms,
            op.p99_ms,
            op.max_ms,
            statuses.join(" ")
        );
    }
    let failed: Vec<&Check> = s.checks.iter().filter(|c| !c.ok).collect();
    if failed.is_empty() {
        let _ = writeln!(
            md,
            "\nInvariants checked in the database: {} of {} hold.",
            s.checks.len(),
            s.checks.len()
        );
    } else {
        for c in failed {
            let _ = writeln!(md, "\n**VIOLATED** {}: {}", c.name, c.detail);
        }
    }
    md
}
