//! Join links for people: the personal links in calendar feeds and the HTML
//! page a browser gets, over real HTTP on both backends, and the page in a
//! real headless Chromium (Debian's `chromium`), with a screenshot under
//! `target/tmp/`.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_with};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const TENANT: &str = "acme";
const LINK_SECRET: &str = "an-end-to-end-join-link-secret-of-32-bytes";
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn app(db: TestDatabase) -> TestApp {
    spawn_app_with(db, &[("LIVECLASS_JOIN_LINK_SECRET", LINK_SECRET)]).await
}

async fn class_in(app: &TestApp, token: &str, minutes: i64) -> Value {
    let at = OffsetDateTime::now_utc() + Duration::minutes(minutes);
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({
                "title": "Algebra <live> & friends",
                "scheduledAt": at.format(&Rfc3339).unwrap(),
                "maxParticipants": 5
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

/// The personal join link of `hash` in the teacher's own feed.
async fn personal_link(app: &TestApp, teacher: &str, hash: &str) -> String {
    let issued = app.post("/calendar/tokens", teacher).await;
    assert_eq!(issued.status, 201, "{:?}", issued.body);
    let token = issued.body["token"].as_str().unwrap();
    let feed = app
        .client
        .get(app.url(&format!("/calendar/me.ics?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let unfolded = icalendar::parser::unfold(&feed);
    let url = unfolded
        .lines()
        .filter_map(|l| l.strip_prefix("URL:"))
        .find(|url| url.contains(hash))
        .unwrap()
        .trim()
        .to_owned();
    assert!(url.contains(&format!("/join/{hash}?access=")), "{url}");
    assert!(
        !url.contains(token),
        "the feed token itself is never in a link"
    );
    // The feed's public URL is the configured one; the test server's port
    // is chosen at bind time.
    app.url(&url[url.find("/join/").unwrap()..])
}

struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    text: String,
}

/// Follows `url` without a bearer token and without following redirects.
async fn open(url: &str, accept: &str) -> Answer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    Answer {
        status: response.status().as_u16(),
        content_type: header("content-type").unwrap_or_default(),
        location: header("location"),
        text: response.text().await.unwrap(),
    }
}

async fn a_personal_link_opens_the_page_for_browsers_and_json_for_api_clients(db: TestDatabase) {
    let app = app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let class = class_in(&app, &teacher, 120).await;
    let hash = class["joinHash"].as_str().unwrap();
    let id = class["id"].as_str().unwrap();
    let link = personal_link(&app, &teacher, hash).await;

    // An API client: today's JSON countdown, for the link's owner.
    let json = open(&link, "application/json").await;
    assert_eq!(json.status, 200, "{}", json.text);
    let body: Value = serde_json::from_str(&json.text).unwrap();
    assert_eq!(body["liveClass"]["id"], id);
    assert!(body["secondsUntilStart"].as_i64().unwrap() > 7000);
    // A browser: the countdown page, the title escaped.
    let page = open(&link, BROWSER).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(page.text.contains("<html lang=\"en\">"), "{}", page.text);
    assert!(page.text.contains("Algebra &lt;live&gt; &amp; friends"));
    assert!(page.text.contains("role=\"timer\""));
    assert!(page.text.contains("http-equiv=\"refresh\""));
    // The same path without the link's credential: 401, as before.
    let bare = link.split('?').next().unwrap();
    assert_eq!(open(bare, "application/json").await.status, 401);
    let signin = open(bare, BROWSER).await;
    assert_eq!(signin.status, 401);
    assert!(signin.text.contains("Sign in to join"), "{}", signin.text);
    // A tampered link (another class's hash, or an altered credential).
    let other = class_in(&app, &teacher, 60).await;
    let moved = link.replace(hash, other["joinHash"].as_str().unwrap());
    assert_eq!(open(&moved, "application/json").await.status, 401);
    // Its last character replaced by another one (never by itself).
    let last = if link.ends_with('0') { '1' } else { '0' };
    let altered = format!("{}{last}", &link[..link.len() - 1]);
    let refused = open(&altered, BROWSER).await;
    assert_eq!(refused.status, 401);
    assert!(refused.text.contains("no longer works"), "{}", refused.text);

    // Live: the teacher's link starts nothing early (2 h ahead), so start
    // it with the API; the link then redirects into the room, for both.
    let started = app
        .post(&format!("/live-classes/{id}/start"), &teacher)
        .await;
    assert_eq!(started.status, 200, "{:?}", started.body);
    let into = open(&link, BROWSER).await;
    assert_eq!(into.status, 302, "{}", into.text);
    assert_eq!(into.location.as_deref(), class["joinUrl"].as_str());
    assert!(into.content_type.starts_with("text/html"));
    let into = open(&link, "application/json").await;
    assert_eq!(into.status, 302);
    // Ended: a clear page with the same 410.
    let ended = app.post(&format!("/live-classes/{id}/end"), &teacher).await;
    assert_eq!(ended.status, 200, "{:?}", ended.body);
    let gone = open(&link, BROWSER).await;
    assert_eq!(gone.status, 410);
    assert!(gone.text.contains("This class has ended"), "{}", gone.text);
    let gone: Value = serde_json::from_str(&open(&link, "application/json").await.text).unwrap();
    assert_eq!(gone["code"], "class_ended");

    // Revoking the calendar tokens revokes the links.
    let fresh = class_in(&app, &teacher, 90).await;
    let fresh_link = personal_link(&app, &teacher, fresh["joinHash"].as_str().unwrap()).await;
    assert_eq!(open(&fresh_link, "application/json").await.status, 200);
    let revoked = app
        .client
        .delete(app.url("/calendar/tokens"))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 200);
    let dead = open(&fresh_link, "application/json").await;
    assert_eq!(dead.status, 401, "{}", dead.text);
    let dead: Value = serde_json::from_str(&dead.text).unwrap();
    assert_eq!(dead["code"], "invalid_token");
}

on_both_backends!(a_personal_link_opens_the_page_for_browsers_and_json_for_api_clients);

/// Runs headless Chromium with `args`; its stdout.
async fn chromium(args: Vec<String>) -> String {
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                "--window-size=900,560",
            ])
            .args(args)
            .output()
    })
    .await
    .unwrap();
    let output = match output {
        Ok(output) => output,
        Err(e) => panic!(
            "headless Chromium could not run ({e}): install Debian's `chromium` \
             (apt-get install -y chromium; .ci/run does)"
        ),
    };
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_countdown_and_ended_pages_render_in_headless_chromium() {
    if !liveclass_tests::tool_available(
        "headless Chromium",
        liveclass_tests::runs("chromium"),
        "apt-get install -y chromium",
    ) {
        return;
    }
    let app = app(TestDatabase::sqlite()).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let class = class_in(&app, &teacher, 125).await;
    let link = personal_link(&app, &teacher, class["joinHash"].as_str().unwrap()).await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let shot = dir.join("join-page-countdown.png");
    let _ = std::fs::remove_file(&shot);

    // The DOM after the script ran: the countdown ticks in the page.
    let dom = chromium(vec!["--dump-dom".into(), link.clone()]).await;
    assert!(dom.contains("Algebra &lt;live&gt; &amp; friends"), "{dom}");
    assert!(dom.contains("The class starts at"), "{dom}");
    assert!(
        dom.contains(" h ") && dom.contains(" min "),
        "the timer shows hours and minutes: {dom}"
    );
    chromium(vec![
        format!("--screenshot={}", shot.display()),
        link.clone(),
    ])
    .await;
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    assert!(
        png.len() > 5_000,
        "a page, not a blank: {} bytes",
        png.len()
    );

    // The page for an ended class.
    let id = class["id"].as_str().unwrap();
    assert_eq!(
        app.post(&format!("/live-classes/{id}/start"), &teacher)
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(&format!("/live-classes/{id}/end"), &teacher)
            .await
            .status,
        200
    );
    let dom = chromium(vec!["--dump-dom".into(), link.clone()]).await;
    assert!(dom.contains("This class has ended"), "{dom}");
    let ended = dir.join("join-page-ended.png");
    chromium(vec![format!("--screenshot={}", ended.display()), link]).await;
    assert!(std::fs::read(&ended).unwrap().starts_with(b"\x89PNG"));
    eprintln!("screenshots: {} and {}", shot.display(), ended.display());
}
