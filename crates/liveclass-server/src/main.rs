//! `server`: runs LiveClass, migrates its database, mints development tokens,
//! or prints the OpenAPI document.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use liveclass_http::TokenIssuer;
use liveclass_persistence::PoolOptions;
use liveclass_server::config::EnvArgs;
use liveclass_server::{Application, DEV_JWT_SECRET, Settings, startup, telemetry};

// glibc's malloc spent a third of the server's CPU on the participant list
// (consolidating fast bins whenever a response or a query result over 64 KiB
// was freed). jemalloc does not, and its arenas are per CPU rather than per
// thread, so the resident set stays small (mimalloc's did not).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "server",
    version,
    about = "LiveClass: live online classes over HTTP"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default). Every setting is an environment variable
    /// (or the option listed with it).
    Serve(EnvArgs),
    /// Inspect the configuration without starting.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print an HS256 token signed with LIVECLASS_JWT_SECRET, or with the
    /// development secret when none is set.
    Token {
        /// The user id (`sub`).
        #[arg(long)]
        sub: String,
        /// The tenant id (`tenant_id`).
        #[arg(long)]
        tenant: String,
        /// A role; repeat for several (`--role training_manager`).
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Display name (`name`).
        #[arg(long)]
        name: Option<String>,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Regenerate the future classes of every schedule (idempotent; safe
    /// while servers run).
    GenerateClasses,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration as `serve` would read it, without serving:
    /// exit status 0 and a summary when it is valid, 1 and the variable to
    /// fix when it is not.
    Check {
        /// Also connect to the database (no migration is run).
        #[arg(long)]
        connect: bool,
        #[command(flatten)]
        env: EnvArgs,
    },
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(EnvArgs::from_env()));
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("server: {}", one_line(&format!("{error:#}")));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes (`a: b: c`) on one line: some causes (libpq's)
/// span several lines.
fn one_line(chain: &str) -> String {
    chain.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Openapi => {
            print!("{}", liveclass_http::openapi::document_json());
            Ok(())
        }
        Command::Token {
            sub,
            tenant,
            roles,
            name,
            ttl,
        } => {
            let secret = std::env::var("LIVECLASS_JWT_SECRET")
                .ok()
                .filter(|s| !s.is_empty());
            if secret.is_none()
                && (std::env::var_os("LIVECLASS_JWT_PUBLIC_KEY_FILE").is_some()
                    || std::env::var_os("LIVECLASS_JWT_JWKS_URL").is_some())
            {
                anyhow::bail!(
                    "RS256/ES256/EdDSA tokens come from your identity provider; \
                     `server token` signs HS256 only"
                );
            }
            if secret.is_none() {
                eprintln!(
                    "note: signed with the development secret (accepted only by a server in LIVECLASS_DEV_MODE)"
                );
            }
            let secret = secret.unwrap_or_else(|| DEV_JWT_SECRET.to_owned());
            let issuer = TokenIssuer::hs256(
                secret.as_bytes(),
                std::env::var("LIVECLASS_JWT_ISSUER").ok(),
                std::env::var("LIVECLASS_JWT_AUDIENCE").ok(),
            );
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            let token = issuer
                .mint(&sub, &tenant, &roles, name.as_deref(), ttl)
                .context("cannot sign the token")?;
            println!("{token}");
            Ok(())
        }
        Command::Migrate => {
            // Needs the database only: no JWT key required.
            telemetry::init(false);
            let url = std::env::var("LIVECLASS_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "liveclass.db".to_owned());
            startup::open_database(&url, PoolOptions::default()).await?;
            eprintln!("migrations are up to date");
            Ok(())
        }
        Command::GenerateClasses => {
            let settings = Settings::from_env_for_jobs()?;
            telemetry::init(settings.log_json);
            let report = liveclass_server::jobs::generate_classes(&settings).await?;
            eprintln!(
                "classes generated: {} created, {} updated, {} removed",
                report.created, report.updated, report.removed
            );
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Check { connect, env },
        } => {
            let report = liveclass_server::config::check(&env, connect)
                .await
                .context("the configuration is not valid")?;
            println!("{report}");
            Ok(())
        }
        Command::Serve(env) => {
            let settings = env.settings()?;
            telemetry::init(settings.log_json);
            let app = Application::build(settings).await?;
            app.run_until_stopped()
                .await
                .context("the server stopped on an error")
        }
    }
}
