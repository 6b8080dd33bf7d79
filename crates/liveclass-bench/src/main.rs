//! `liveclass-bench`: drives a real `server` over HTTP and reports throughput,
//! latency percentiles, status codes and the server's peak memory, checks the
//! capacity invariants in the database after every scenario, and measures the
//! same SQL with pgbench, so that the headline figures are ratios (this
//! machine is shared and noisy; ratios travel, absolute times do not).
//!
//! Every scenario gets a fresh PostgreSQL database and a fresh server process
//! on 127.0.0.1; all load stays on loopback and every loop is bounded in
//! count or time.

mod chat;
mod course;
mod db;
mod fanout;
mod html;
mod list;
mod pgbench;
mod polling;
mod report;
mod scenarios;
mod server;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "liveclass-bench",
    about = "Load-test LiveClass against PostgreSQL"
)]
pub struct Args {
    /// An administrative PostgreSQL URL; each scenario creates (and drops) a
    /// database of its own on that server.
    #[arg(
        long,
        env = "LIVECLASS_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    /// The `server` binary to run (build it with --release).
    #[arg(long, default_value = "target/release/server")]
    pub server_bin: PathBuf,
    /// Scenarios to run, comma-separated: burst, burst-over, hot, participants,
    /// steady, mixed-tenants, fanout, chat, list, course.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "burst,burst-over,hot,participants,steady,mixed-tenants,fanout,chat,list,course"
    )]
    pub scenarios: Vec<String>,
    /// Concurrent clients of the throughput scenarios (and pgbench's).
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Length of the timed scenarios, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Joins of the hot-class scenario (also the class's capacity).
    #[arg(long, default_value_t = 12_800)]
    pub hot_joins: usize,
    /// Where report.json, report.md and report.html go.
    #[arg(long, default_value = "bench-results")]
    pub out: PathBuf,
    /// Skip the pgbench comparisons.
    #[arg(long)]
    pub no_pgbench: bool,
}

impl Args {
    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.server_bin.exists(),
        "{} does not exist: build it first (cargo build --release --bin server)",
        args.server_bin.display()
    );
    let machine = report::Machine::describe();
    eprintln!("machine: {}", machine.summary());
    let mut results = Vec::new();
    for name in &args.scenarios {
        eprintln!("== {name}");
        let result = scenarios::run(name, &args).await?;
        eprintln!("{}", report::scenario_markdown(&result));
        results.push(result);
    }
    let report = report::Report::new(machine, &args, results);
    report.write(&args.out)?;
    println!("{}", report.markdown());
    let violations: Vec<_> = report.violations().collect();
    anyhow::ensure!(violations.is_empty(), "invariants violated: {violations:?}");
    Ok(())
}
