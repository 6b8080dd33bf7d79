//! The configuration, discoverable: every environment variable the server
//! reads, with its default and meaning, as command-line options of `server
//! serve` and `server config check` (clap's `env` support), so `--help`
//! lists them all.
//!
//! [`ENV_VARS`] is the catalogue. A test reads the settings through a lookup
//! that records every name asked for, and fails when one is missing here:
//! a new setting cannot be left out of `--help`.
//!
//! Each variable is also an option (`LIVECLASS_DB_POOL_SIZE` is
//! `--db-pool-size`); an option wins over the environment. Defaults are
//! shown by clap but applied by [`Settings::from_lookup`] (a value that came
//! from a default is treated as unset), so the two cannot disagree in
//! behaviour, and a test checks that the defaults shown are the real ones.

use std::collections::BTreeMap;

use clap::parser::ValueSource;
use clap::{Arg, ArgMatches};

use crate::settings::{Settings, SettingsError};

/// One environment variable.
#[derive(Debug, Clone, Copy)]
pub struct EnvVar {
    pub name: &'static str,
    /// The default as clap shows it (`[default: …]`); `None` when there is
    /// none or it depends on other settings (the help then says what it is).
    pub default: Option<&'static str>,
    pub help: &'static str,
    /// Its value is never shown in `--help`.
    pub secret: bool,
}

const fn var(name: &'static str, default: Option<&'static str>, help: &'static str) -> EnvVar {
    EnvVar {
        name,
        default,
        help,
        secret: false,
    }
}

const fn secret(name: &'static str, help: &'static str) -> EnvVar {
    EnvVar {
        name,
        default: None,
        help,
        secret: true,
    }
}

/// Every variable the server reads, in `--help` order.
pub const ENV_VARS: &[EnvVar] = &[
    var(
        "LIVECLASS_DATABASE_URL",
        Some("liveclass.db"),
        "The database: a SQLite path (sqlite://… optional) or a postgres:// URL",
    ),
    var(
        "LIVECLASS_BIND",
        Some("127.0.0.1:8080"),
        "Address and port to listen on (host:port, [::1]:8080; port 0 picks one)",
    ),
    var(
        "LIVECLASS_PUBLIC_URL",
        None,
        "The API's outside address, for links in calendar feeds [default: http://<LIVECLASS_BIND>]",
    ),
    var(
        "LIVECLASS_WORKERS",
        None,
        "HTTP worker threads [default: one per CPU core]",
    ),
    var(
        "LIVECLASS_LOG_FORMAT",
        Some("text"),
        "Log format on stderr: text or json (one JSON object per line)",
    ),
    var(
        "LIVECLASS_DEV_MODE",
        Some("0"),
        "1: accept tokens signed with the public development secret when no key is set (never in production)",
    ),
    secret(
        "LIVECLASS_JWT_SECRET",
        "HS256 secret shared with the identity provider (at least 32 bytes); this or LIVECLASS_JWT_PUBLIC_KEY_FILE is required outside development mode",
    ),
    var(
        "LIVECLASS_JWT_PUBLIC_KEY_FILE",
        None,
        "PEM file with the identity provider's RS256/ES256 public key (instead of LIVECLASS_JWT_SECRET)",
    ),
    var(
        "LIVECLASS_JWT_ISSUER",
        None,
        "Required `iss` of tokens [default: not checked]",
    ),
    var(
        "LIVECLASS_JWT_AUDIENCE",
        None,
        "Required `aud` of tokens [default: not checked]",
    ),
    var(
        "LIVECLASS_JWT_LEEWAY_SECONDS",
        Some("60"),
        "Clock skew allowed on `exp` and `nbf` (at most 3600)",
    ),
    var(
        "LIVECLASS_JWT_JWKS_URL",
        None,
        "The identity provider's JWKS (https://…), instead of a secret or a PEM: keys chosen by `kid`, cached per Cache-Control [default: none]",
    ),
    var(
        "LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS",
        Some("30"),
        "Shortest time between two JWKS fetches, e.g. on unknown `kid`s (1 to 3600)",
    ),
    var(
        "LIVECLASS_JWT_TENANT_CLAIM",
        Some("tenant_id"),
        "Path to the tenant claim: a name, or names joined by dots (realm_access.x, https://example.com/tenant)",
    ),
    var(
        "LIVECLASS_JWT_ROLES_CLAIM",
        Some("roles"),
        "Path to the roles claim (an array of strings or one string): realm_access.roles, cognito:groups, …",
    ),
    var(
        "LIVECLASS_JWT_NAME_CLAIM",
        Some("name"),
        "Path to the display-name claim",
    ),
    var(
        "LIVECLASS_JWT_ROLE_MAP",
        None,
        "Provider roles to LiveClass roles: teacher=training_manager,admin=org_admin [default: role names are LiveClass's own]",
    ),
    var(
        "LIVECLASS_RATE_LIMIT_WRITES_PER_USER",
        Some("off"),
        "Writes per user per process: off, N/s, N/min or N/h",
    ),
    var(
        "LIVECLASS_RATE_LIMIT_WRITES_PER_TENANT",
        Some("off"),
        "Writes per tenant per process: off, N/s, N/min or N/h",
    ),
    var(
        "LIVECLASS_RATE_LIMIT_JOINS_PER_USER",
        Some("off"),
        "Joins per user per process: off, N/s, N/min or N/h",
    ),
    var(
        "LIVECLASS_RATE_LIMIT_JOINS_PER_TENANT",
        Some("off"),
        "Joins per tenant per process: off, N/s, N/min or N/h",
    ),
    var(
        "LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER",
        Some("60/min"),
        "Chat posts and deletions per user per process: off, N/s, N/min or N/h",
    ),
    secret(
        "LIVECLASS_JOIN_LINK_SECRET",
        "Signs personal join links in calendar feeds (at least 32 bytes) [default: none, plain links; a public one in development mode]",
    ),
    var(
        "LIVECLASS_DB_POOL_SIZE",
        Some("10"),
        "Database connections per process",
    ),
    var(
        "LIVECLASS_DB_ACQUIRE_TIMEOUT_MS",
        Some("5000"),
        "How long a request waits for a database connection before answering 503 (also libpq's connect_timeout)",
    ),
    var(
        "LIVECLASS_MAX_PARTICIPANTS_LIMIT",
        Some("500"),
        "Highest maxParticipants a class may have",
    ),
    var(
        "LIVECLASS_DEFAULT_MAX_PARTICIPANTS",
        None,
        "maxParticipants of a class created without one [default: 200, or LIVECLASS_MAX_PARTICIPANTS_LIMIT if lower]",
    ),
    var(
        "LIVECLASS_SCHEDULE_MAX_OCCURRENCES",
        Some("500"),
        "Most classes one schedule may generate",
    ),
    var(
        "LIVECLASS_JOIN_START_WINDOW_MINUTES",
        Some("15"),
        "How early before the start the teacher's join link starts the class",
    ),
    var(
        "LIVECLASS_MIN_CLASS_MINUTES",
        Some("30"),
        "Shortest class staff may record (endedAt - startedAt)",
    ),
    var(
        "LIVECLASS_AUTO_END_AFTER_MINUTES",
        Some("30"),
        "Live classes are ended this long after their planned end",
    ),
    var(
        "LIVECLASS_ATTENDANCE_LATE_AFTER_MINUTES",
        Some("5"),
        "Attendance: a first join later than this after the start is `late`",
    ),
    var(
        "LIVECLASS_ATTENDANCE_LEFT_EARLY_MINUTES",
        Some("5"),
        "Attendance: a last leave earlier than this before the end is `left_early`",
    ),
    var(
        "LIVECLASS_ATTENDANCE_RECONCILE_AFTER_SECONDS",
        Some("120"),
        "Attendance: how long after a class's end the provider's participant report is first fetched",
    ),
    var(
        "LIVECLASS_ATTENDANCE_RECONCILE_INTERVAL_SECONDS",
        Some("30"),
        "How often the attendance reconciliation worker looks; 0 turns it off",
    ),
    var(
        "LIVECLASS_AUTO_END_INTERVAL_SECONDS",
        Some("60"),
        "How often the auto-end worker looks; 0 turns it off",
    ),
    var(
        "LIVECLASS_SCHEDULE_GENERATION_INTERVAL_SECONDS",
        Some("30"),
        "How often interrupted schedule generations are completed; 0 turns it off",
    ),
    var(
        "LIVECLASS_EVENT_RETENTION_SECONDS",
        Some("604800"),
        "How long class events are kept (7 days); older ones are pruned hourly",
    ),
    var(
        "LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS",
        Some("100"),
        "How often new class events are numbered (10-10000 ms): the usual delay before readers see one",
    ),
    secret(
        "LIVECLASS_SECRETS_KEY",
        "32 bytes, base64: the key that seals webhook secrets and provider-account credentials at rest [default: none; a public development key in LIVECLASS_DEV_MODE; without either, webhook endpoints and provider accounts cannot be created (503)]",
    ),
    var(
        "LIVECLASS_SECRETS_KEY_ID",
        Some("k1"),
        "The id stored beside each secret sealed with LIVECLASS_SECRETS_KEY",
    ),
    secret(
        "LIVECLASS_SECRETS_OLD_KEYS",
        "id:base64key,...: former keys, to open secrets sealed before a key rotation (values are re-sealed with the current key when rewritten) [default: none]",
    ),
    var(
        "LIVECLASS_WEBHOOK_ALLOW_PRIVATE",
        None,
        "1 lets webhooks reach loopback, private, link-local and metadata addresses [default: on in LIVECLASS_DEV_MODE, else off]",
    ),
    var(
        "LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS",
        Some("0,5,300,1800,7200,18000,36000,50400,72000,86400"),
        "Delay before each webhook attempt (up to 10% jitter added), at most 20 attempts",
    ),
    var(
        "LIVECLASS_WEBHOOK_SECRET_OVERLAP_SECONDS",
        Some("86400"),
        "After a webhook secret rotation, how long deliveries also carry the old signature",
    ),
    var(
        "LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS",
        Some("1000"),
        "How often each process claims due webhook deliveries (10-3600000 ms)",
    ),
    var(
        "LIVECLASS_STREAM_TOKEN_SECRET",
        None,
        "Signs event-stream tokens (at least 32 bytes; the same on every process). Unset: derived from an HS256 LIVECLASS_JWT_SECRET, else random per process",
    ),
    var(
        "LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS",
        Some("30"),
        "How often failed video-provider clean-ups are retried",
    ),
    secret(
        "LIVECLASS_METRICS_TOKEN",
        "Bearer token GET /metrics requires (at least 16 characters) [default: none, /metrics is open]",
    ),
    var(
        "LIVECLASS_CORS_ORIGINS",
        None,
        "Comma-separated exact origins browsers may call the API from (https://app.example.org) [default: none]",
    ),
    var(
        "LIVECLASS_VIDEO_PROVIDER",
        Some("jitsi"),
        "Video rooms: jitsi, daily, zoom or none",
    ),
    var(
        "JITSI_DOMAIN",
        Some("meet.jit.si"),
        "Jitsi: the Jitsi Meet server",
    ),
    var(
        "JITSI_APP_ID",
        None,
        "Jitsi: app id for JWT-protected rooms (with JITSI_APP_SECRET)",
    ),
    secret(
        "JITSI_APP_SECRET",
        "Jitsi: secret that signs room tokens (with JITSI_APP_ID)",
    ),
    secret("DAILY_API_KEY", "Daily: API key (required with daily)"),
    var(
        "DAILY_API_URL",
        Some(liveclass_video::DailyConfig::DEFAULT_BASE_URL),
        "Daily: API base URL (the server's provider and tenants' own Daily accounts)",
    ),
    var(
        "DAILY_ENABLE_RECORDING",
        None,
        "Daily: recording mode of rooms: cloud, cloud-audio-only, local or raw-tracks [default: off]",
    ),
    secret(
        "DAILY_WEBHOOK_SECRET",
        "Daily: the webhook's base64 `hmac` secret; POST /webhooks/daily verifies deliveries with it [default: unset, the endpoint answers 503]",
    ),
    var(
        "ZOOM_ACCOUNT_ID",
        None,
        "Zoom: server-to-server OAuth account id (required with zoom)",
    ),
    var(
        "ZOOM_CLIENT_ID",
        None,
        "Zoom: OAuth client id (required with zoom)",
    ),
    secret(
        "ZOOM_CLIENT_SECRET",
        "Zoom: OAuth client secret (required with zoom)",
    ),
    var(
        "ZOOM_USER_ID",
        Some("me"),
        "Zoom: the user meetings are created for",
    ),
    var(
        "ZOOM_AUTO_RECORDING",
        Some("none"),
        "Zoom: auto recording: none, local or cloud",
    ),
    secret(
        "ZOOM_WEBHOOK_SECRET",
        "Zoom: the app's webhook secret token; POST /webhooks/zoom verifies deliveries with it [default: unset, the endpoint answers 503]",
    ),
    var(
        "ZOOM_API_URL",
        Some(liveclass_video::ZoomConfig::DEFAULT_API_URL),
        "Zoom: API base URL (the server's provider and tenants' own Zoom accounts)",
    ),
    var(
        "ZOOM_OAUTH_URL",
        Some(liveclass_video::ZoomConfig::DEFAULT_OAUTH_URL),
        "Zoom: OAuth token URL (the server's provider and tenants' own Zoom accounts)",
    ),
];

/// Variables read outside [`Settings`], listed in `--help` too.
pub const OTHER_ENV_VARS: &[EnvVar] = &[
    var(
        "RUST_LOG",
        Some("info"),
        "Log filter (tracing's EnvFilter syntax: warn,liveclass_server=debug)",
    ),
    var(
        "PGCONNECT_TIMEOUT",
        None,
        "libpq's connect timeout in seconds [default: LIVECLASS_DB_ACQUIRE_TIMEOUT_MS rounded up, at least 2]",
    ),
];

/// The option of a variable: `LIVECLASS_DB_POOL_SIZE` → `db-pool-size`,
/// `ZOOM_API_URL` → `zoom-api-url`.
fn option_name(name: &str) -> String {
    name.strip_prefix("LIVECLASS_")
        .unwrap_or(name)
        .to_ascii_lowercase()
        .replace('_', "-")
}

fn arg(var: &EnvVar) -> Arg {
    let mut arg = Arg::new(var.name)
        // clap takes `&'static str` names (without its `string` feature); the
        // catalogue is small and built once or twice per process.
        .long(&*Box::leak(option_name(var.name).into_boxed_str()))
        .env(var.name)
        .value_name("VALUE")
        .help(var.help)
        .hide_env_values(var.secret)
        .required(false);
    if let Some(default) = var.default {
        arg = arg.default_value(default);
    }
    arg
}

/// The settings given on the command line or in the environment: the
/// options of `server serve` and `server config check`.
#[derive(Debug, Clone, Default)]
pub struct EnvArgs {
    values: BTreeMap<&'static str, String>,
}

impl EnvArgs {
    /// The catalogued variables from the process environment (what
    /// `server` with no subcommand reads).
    pub fn from_env() -> Self {
        let values = ENV_VARS
            .iter()
            .chain(OTHER_ENV_VARS)
            .filter_map(|v| Some((v.name, std::env::var(v.name).ok()?)))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        Self { values }
    }

    /// The value of `name`: an option, else the environment. Names outside
    /// the catalogue are read from the environment.
    pub fn get(&self, name: &str) -> Option<String> {
        if ENV_VARS.iter().any(|v| v.name == name) {
            self.values.get(name).cloned()
        } else {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        }
    }

    /// The settings these values make.
    ///
    /// # Errors
    /// As [`Settings::from_lookup`].
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| self.get(name))
    }
}

impl clap::FromArgMatches for EnvArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = Self::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for var in ENV_VARS {
            // A default shown by clap is applied by the settings: unset here.
            if matches.value_source(var.name) == Some(ValueSource::DefaultValue) {
                continue;
            }
            if let Some(value) = matches.get_one::<String>(var.name)
                && !value.is_empty()
            {
                self.values.insert(var.name, value.clone());
            }
        }
        Ok(())
    }
}

impl clap::Args for EnvArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let mut others = String::from("Also read from the environment:\n");
        for var in OTHER_ENV_VARS {
            others.push_str(&format!("  {}: {}", var.name, var.help));
            if let Some(default) = var.default {
                others.push_str(&format!(" [default: {default}]"));
            }
            others.push('\n');
        }
        cmd.next_help_heading("Settings (environment variables; an option wins)")
            .args(ENV_VARS.iter().map(arg))
            .after_help(others)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// `server config check`: reads and validates the configuration as `serve`
/// would, without serving: every variable parses, the JWT key loads, the
/// video provider's client builds, the bind address resolves and the
/// database URL names a supported database; with `connect`, the database
/// also answers (no migration is run). Returns a summary for people.
///
/// # Errors
/// The first problem, naming the variable to fix.
pub async fn check(args: &EnvArgs, connect: bool) -> anyhow::Result<String> {
    use anyhow::Context;
    let settings = args.settings()?;
    liveclass_video::install_crypto_provider();
    liveclass_http::JwtVerifier::new(&settings.jwt.config)
        .context("LIVECLASS_JWT_SECRET / LIVECLASS_JWT_PUBLIC_KEY_FILE: the key cannot be used")?;
    crate::startup::video_provider(&settings.video)?;
    let addrs = settings
        .bind
        .resolve()
        .with_context(|| format!("LIVECLASS_BIND: cannot resolve {}", settings.bind))?;
    if addrs.is_empty() {
        anyhow::bail!("LIVECLASS_BIND: {} resolves to no address", settings.bind);
    }
    let backend = liveclass_persistence::Backend::parse(&settings.database_url)
        .context("LIVECLASS_DATABASE_URL")?;
    let mut lines = vec![
        "configuration OK".to_owned(),
        format!("  database: {backend:?}"),
        format!("  listen: {}", settings.bind),
        format!("  public URL: {}", settings.schedules.feeds.public_url),
        format!("  video provider: {}", provider_name(&settings.video)),
        format!(
            "  tokens: {}",
            match (&settings.jwt.config.key, settings.jwt.development) {
                (_, true) => "DEVELOPMENT secret (never in production)",
                (liveclass_http::JwtKey::Hs256Secret(_), false) => "HS256 shared secret",
                (liveclass_http::JwtKey::Jwks(_), false) => "the identity provider's JWKS",
                _ => "the identity provider's public key",
            }
        ),
        format!(
            "  metrics: {}",
            if settings.ops.metrics_token.is_some() {
                "/metrics, bearer token required"
            } else {
                "/metrics, open (set LIVECLASS_METRICS_TOKEN to protect it)"
            }
        ),
        format!(
            "  CORS origins: {}",
            if settings.ops.cors.is_enabled() {
                settings.ops.cors.origins().join(", ")
            } else {
                "none".to_owned()
            }
        ),
    ];
    if connect {
        let url = settings.database_url.clone();
        let options = settings.pool;
        tokio::task::spawn_blocking(move || liveclass_persistence::connect(&url, options))
            .await
            .context("the database check failed")?
            .context("LIVECLASS_DATABASE_URL")?;
        lines.push("  database: reachable".to_owned());
    }
    Ok(lines.join("\n"))
}

fn provider_name(video: &crate::settings::VideoSettings) -> &'static str {
    use crate::settings::VideoSettings;
    match video {
        VideoSettings::Jitsi { auth: None, .. } => "jitsi",
        VideoSettings::Jitsi { auth: Some(_), .. } => "jitsi (JWT rooms)",
        VideoSettings::Daily(_) => "daily",
        VideoSettings::Zoom(_) => "zoom",
        VideoSettings::None => "none",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::{BTreeSet, HashMap};
    use std::sync::Mutex;

    use super::*;

    /// The names `Settings::from_lookup` asks for given `vars`.
    fn names_read(vars: &[(&str, &str)]) -> BTreeSet<String> {
        let asked = Mutex::new(BTreeSet::new());
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        let _ = Settings::from_lookup(|name| {
            asked.lock().unwrap().insert(name.to_owned());
            map.get(name).map(|v| (*v).to_owned())
        });
        asked.into_inner().unwrap()
    }

    #[test]
    fn every_variable_the_settings_read_is_in_the_catalogue() {
        let secret = "s".repeat(32);
        let mut read = BTreeSet::new();
        for provider in [
            vec![],
            vec![
                ("LIVECLASS_VIDEO_PROVIDER", "daily"),
                ("DAILY_API_KEY", "k"),
            ],
            vec![
                ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
                ("ZOOM_ACCOUNT_ID", "a"),
                ("ZOOM_CLIENT_ID", "c"),
                ("ZOOM_CLIENT_SECRET", "s"),
            ],
            vec![("JITSI_APP_ID", "a"), ("JITSI_APP_SECRET", "s")],
        ] {
            let mut vars = provider.clone();
            vars.push(("LIVECLASS_JWT_SECRET", &secret));
            read.extend(names_read(&vars));
            let mut dev = provider;
            dev.push(("LIVECLASS_DEV_MODE", "1"));
            read.extend(names_read(&dev));
        }
        // An identity provider's JWKS brings its own variable.
        read.extend(names_read(&[(
            "LIVECLASS_JWT_JWKS_URL",
            "https://idp.example/certs",
        )]));
        let catalogued: BTreeSet<String> = ENV_VARS.iter().map(|v| v.name.to_owned()).collect();
        let missing: Vec<_> = read.difference(&catalogued).collect();
        assert!(
            missing.is_empty(),
            "add these to config::ENV_VARS (and the README): {missing:?}"
        );
        let stale: Vec<_> = catalogued.difference(&read).collect();
        assert!(stale.is_empty(), "no longer read by Settings: {stale:?}");
    }

    #[test]
    fn the_defaults_shown_are_the_defaults_applied() {
        let secret = "s".repeat(32);
        let base = [("LIVECLASS_JWT_SECRET", secret.as_str())];
        let settings = |extra: &[(&str, &str)]| {
            let mut vars: HashMap<&str, &str> = base.iter().copied().collect();
            vars.extend(extra.iter().copied());
            format!(
                "{:?}",
                Settings::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap()
            )
        };
        for var in ENV_VARS {
            let Some(default) = var.default else {
                continue;
            };
            // Provider settings only count with their provider.
            let mut extra = vec![(var.name, default)];
            if var.name.starts_with("DAILY_") {
                extra.extend([
                    ("LIVECLASS_VIDEO_PROVIDER", "daily"),
                    ("DAILY_API_KEY", "k"),
                ]);
            } else if var.name.starts_with("ZOOM_") {
                extra.extend([
                    ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
                    ("ZOOM_ACCOUNT_ID", "a"),
                    ("ZOOM_CLIENT_ID", "c"),
                    ("ZOOM_CLIENT_SECRET", "s"),
                ]);
            }
            let without: Vec<_> = extra[1..].to_vec();
            assert_eq!(
                settings(&extra),
                settings(&without),
                "{} is documented with the default `{default}`, which is not the default",
                var.name
            );
        }
    }

    #[test]
    fn options_are_the_variables_in_kebab_case() {
        assert_eq!(option_name("LIVECLASS_DB_POOL_SIZE"), "db-pool-size");
        assert_eq!(option_name("ZOOM_API_URL"), "zoom-api-url");
        let names: BTreeSet<String> = ENV_VARS.iter().map(|v| option_name(v.name)).collect();
        assert_eq!(names.len(), ENV_VARS.len(), "two variables share an option");
    }
}
