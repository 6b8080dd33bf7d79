//! The configuration from the command line: `server serve --help` lists
//! every variable with its default, `server config check` validates without
//! starting.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use liveclass_server::config::{ENV_VARS, OTHER_ENV_VARS};

fn server(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env_clear().args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn serve_help_lists_every_variable_with_its_default() {
    let out = server(&["serve", "--help"], &[]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for var in ENV_VARS.iter().chain(OTHER_ENV_VARS) {
        assert!(
            help.contains(var.name),
            "{} missing from:\n{help}",
            var.name
        );
    }
    // clap's own annotations, e.g. for the pool size.
    let pool = help
        .split("--db-pool-size")
        .nth(1)
        .and_then(|rest| rest.split("\n      --").next())
        .unwrap();
    assert!(pool.contains("[env: LIVECLASS_DB_POOL_SIZE="), "{pool}");
    assert!(pool.contains("[default: 10]"), "{pool}");
    assert!(help.contains("[default: 127.0.0.1:8080]"));
    assert!(help.contains("[default: http://<LIVECLASS_BIND>]"));
    // The short help lists them too.
    let short = text(&server(&["serve", "-h"], &[]).stdout);
    assert!(short.contains("LIVECLASS_CORS_ORIGINS"), "{short}");
}

#[test]
fn help_never_shows_a_secret_from_the_environment() {
    let secret = "a-jwt-secret-that-must-stay-hidden-1234";
    let out = server(
        &["serve", "--help"],
        &[
            ("LIVECLASS_JWT_SECRET", secret),
            ("LIVECLASS_DB_POOL_SIZE", "7"),
        ],
    );
    let help = text(&out.stdout);
    assert!(!help.contains(secret));
    assert!(help.contains("[env: LIVECLASS_DB_POOL_SIZE=7]"), "{help}");
}

#[test]
fn config_check_accepts_a_valid_configuration_without_starting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never-created.db");
    let out = server(
        &["config", "check"],
        &[
            (
                "LIVECLASS_JWT_SECRET",
                "a-config-check-secret-of-32-bytes-x",
            ),
            ("LIVECLASS_DATABASE_URL", db.to_str().unwrap()),
            ("LIVECLASS_CORS_ORIGINS", "https://app.example.org"),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.starts_with("configuration OK"), "{stdout}");
    assert!(stdout.contains("CORS origins: https://app.example.org"));
    assert!(stdout.contains("HS256"));
    // Nothing was started or created.
    assert!(!db.exists());

    // Options work like the variables, and --connect opens the database.
    let out = server(
        &[
            "config",
            "check",
            "--connect",
            "--dev-mode",
            "1",
            "--database-url",
            db.to_str().unwrap(),
        ],
        &[],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("DEVELOPMENT"), "{stdout}");
    assert!(stdout.contains("database: reachable"), "{stdout}");
}

#[test]
fn config_check_names_the_variable_to_fix() {
    for (env, expected) in [
        (
            vec![
                ("LIVECLASS_DEV_MODE", "1"),
                ("LIVECLASS_DB_POOL_SIZE", "many"),
            ],
            "LIVECLASS_DB_POOL_SIZE",
        ),
        (vec![], "no JWT key is configured"),
        (
            vec![
                ("LIVECLASS_DEV_MODE", "1"),
                ("LIVECLASS_CORS_ORIGINS", "https://app.example.org/"),
            ],
            "LIVECLASS_CORS_ORIGINS",
        ),
        (
            vec![
                ("LIVECLASS_DEV_MODE", "1"),
                ("LIVECLASS_DATABASE_URL", "mysql://db/x"),
            ],
            "LIVECLASS_DATABASE_URL",
        ),
        (
            vec![
                ("LIVECLASS_DEV_MODE", "1"),
                ("LIVECLASS_METRICS_TOKEN", "short"),
            ],
            "LIVECLASS_METRICS_TOKEN",
        ),
        (
            vec![
                ("LIVECLASS_DEV_MODE", "1"),
                ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ],
            "ZOOM_ACCOUNT_ID",
        ),
    ] {
        let out = server(&["config", "check"], &env);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{env:?}: {stderr}");
        assert!(stderr.starts_with("server: "), "{stderr}");
        assert!(stderr.contains(expected), "{env:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
    }
    // A database that does not answer, with --connect.
    let out = server(
        &[
            "config",
            "check",
            "--connect",
            "--dev-mode",
            "1",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/x",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot connect to the database"));
}
