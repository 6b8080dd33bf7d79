//! `GET /metrics`: the families and labels after some traffic, and the
//! optional bearer token.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, metric_sample, spawn_app, spawn_app_with};
use serde_json::json;

const TENANT: &str = "acme";

async fn create(app: &TestApp, token: &str, capacity: u32) -> String {
    let reply = app
        .post_json(
            "/live-classes",
            token,
            &json!({
                "title": "Metrics",
                "scheduledAt": "2030-11-20T14:00:00Z",
                "maxParticipants": capacity
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_joins_by_outcome_and_the_pool() {
    let app = spawn_app(TestDatabase::sqlite()).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let students: Vec<String> = (1..=3)
        .map(|i| app.token(&format!("student-{i}"), TENANT, &[]))
        .collect();

    // The teacher's seat and one more.
    let live = create(&app, &teacher, 2).await;
    let scheduled = create(&app, &teacher, 10).await;
    assert_eq!(
        app.post(&format!("/live-classes/{live}/start"), &teacher)
            .await
            .status,
        200
    );
    let join = |class: &str| format!("/live-classes/{class}/join");
    assert_eq!(app.post(&join(&live), &students[0]).await.status, 200); // admitted
    assert_eq!(app.post(&join(&live), &students[0]).await.status, 200); // already active
    assert_eq!(app.post(&join(&live), &students[1]).await.status, 409); // full
    assert_eq!(app.post(&join(&scheduled), &students[2]).await.status, 400); // not live
    let nobody = "00000000-0000-4000-8000-000000000000";
    assert_eq!(app.post(&join(nobody), &students[2]).await.status, 404); // not found
    assert_eq!(app.get("/no/such/route", &teacher).await.status, 404);

    // Every background job's first pass has finished (they start together
    // and take turns for SQLite's write lock): then scrape.
    let jobs = [
        "auto-end",
        "idempotency-prune",
        "video-cleanups",
        "queue-depths",
        "event-sequencer",
    ];
    let mut text = scrape(&app).await;
    for _ in 0..100 {
        let ran = |job: &str| {
            metric_sample(
                &text,
                &format!("liveclass_background_job_runs_total{{job=\"{job}\"}}"),
            )
            .is_some_and(|n| n >= 1.0)
        };
        if jobs.iter().all(|job| ran(job)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        text = scrape(&app).await;
    }
    for outcome in [
        "admitted",
        "already_active",
        "full",
        "not_live",
        "not_found",
    ] {
        assert_eq!(
            metric_sample(
                &text,
                &format!("liveclass_joins_total{{outcome=\"{outcome}\"}}")
            ),
            Some(1.0),
            "{outcome}:\n{text}"
        );
    }
    let route = "/live-classes/{liveClassId}/join";
    for (status, count) in [(200, 2.0), (409, 1.0), (400, 1.0), (404, 1.0)] {
        let labels = format!("method=\"POST\",route=\"{route}\",status=\"{status}\"");
        assert_eq!(
            metric_sample(&text, &format!("liveclass_http_requests_total{{{labels}}}")),
            Some(count),
            "{labels}:\n{text}"
        );
        assert_eq!(
            metric_sample(
                &text,
                &format!("liveclass_http_request_duration_seconds_count{{{labels}}}")
            ),
            Some(count)
        );
        assert!(
            text.contains(&format!(
                "liveclass_http_request_duration_seconds_bucket{{le=\"0.005\",{labels}}}"
            )) || text.contains(&format!(
                "liveclass_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}}"
            ))
        );
    }
    assert!(
        text.contains("route=\"/live-classes\",status=\"201\""),
        "{text}"
    );
    assert!(
        text.contains("route=\"unmatched\",status=\"404\""),
        "{text}"
    );
    // Patterns, never raw paths: no class id in any label.
    for id in [&live, &scheduled] {
        assert!(!text.contains(id.as_str()), "a raw path leaked:\n{text}");
    }

    // The pool: its size, what is open, how long calls waited.
    assert_eq!(
        metric_sample(&text, "liveclass_db_pool_max_connections"),
        Some(8.0)
    );
    let open = metric_sample(&text, "liveclass_db_pool_connections").unwrap();
    let idle = metric_sample(&text, "liveclass_db_pool_idle_connections").unwrap();
    let in_use = metric_sample(&text, "liveclass_db_pool_in_use_connections").unwrap();
    assert!(
        open >= 1.0 && (open - idle - in_use).abs() < f64::EPSILON,
        "{text}"
    );
    assert!(metric_sample(&text, "liveclass_db_pool_wait_seconds_count").unwrap() >= 8.0);
    assert_eq!(
        metric_sample(&text, "liveclass_db_pool_timeouts_total"),
        Some(0.0)
    );
    assert_eq!(metric_sample(&text, "liveclass_database_up"), Some(1.0));

    // Background jobs: each ran once at start-up.
    for job in jobs {
        let labels = format!("{{job=\"{job}\"}}");
        assert!(
            metric_sample(
                &text,
                &format!("liveclass_background_job_runs_total{labels}")
            )
            .is_some_and(|n| n >= 1.0),
            "{job}:\n{text}"
        );
        assert_eq!(
            metric_sample(
                &text,
                &format!("liveclass_background_job_failures_total{labels}")
            ),
            Some(0.0),
            "{job}"
        );
    }
    assert_eq!(
        metric_sample(&text, "liveclass_video_cleanup_queue_depth"),
        Some(0.0)
    );
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn a_metrics_token_protects_the_endpoint() {
    let token = "metrics-scraper-token-1234";
    let app = spawn_app_with(
        TestDatabase::sqlite(),
        &[("LIVECLASS_METRICS_TOKEN", token)],
    )
    .await;
    let missing = app.send(app.client.get(app.url("/metrics"))).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.body["code"], "missing_token");
    let wrong = app
        .send(app.client.get(app.url("/metrics")).bearer_auth("not-it"))
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body["code"], "invalid_token");
    // An API token is not the metrics token either.
    let api = app.token("teacher-1", TENANT, &["org_admin"]);
    let wrong = app
        .send(app.client.get(app.url("/metrics")).bearer_auth(api))
        .await;
    assert_eq!(wrong.body["code"], "invalid_token");

    let ok = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.text()
            .await
            .unwrap()
            .contains("liveclass_http_requests_total")
    );
    // Only GET: other methods are 405 with Allow.
    let post = app
        .send(app.client.post(app.url("/metrics")).bearer_auth(token))
        .await;
    assert_eq!(post.status, 405);
    assert_eq!(post.body["code"], "method_not_allowed");
}
