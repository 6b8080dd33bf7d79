//! The stream's rhythm with a mocked log: the `retry:` hint first, then a
//! keep-alive comment when nothing happens, and a re-read of the log at the
//! safety poll even without a wake-up (a listener's reconnect gap).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::test as atest;
use liveclass_domain::events::{EventPage, MockClassEvents};
use liveclass_http::{StreamSettings, TokenIssuer};

use common::SECRET;

#[actix_web::test]
async fn a_quiet_stream_sends_keep_alives_and_polls_the_log() {
    let reads = Arc::new(AtomicUsize::new(0));
    let mut events = MockClassEvents::new();
    let counted = reads.clone();
    events.expect_list().returning(move |_, _, _, _| {
        counted.fetch_add(1, Ordering::Relaxed);
        Ok(EventPage {
            events: vec![],
            last_seq: 0,
            reset: false,
        })
    });
    let mut services = common::mocked_services();
    services.class_events = Arc::new(events);
    let mut state = common::state(services, &common::hs256());
    state.stream_settings = StreamSettings {
        keep_alive: Duration::from_millis(150),
        safety_poll: Duration::from_millis(400),
        retry: Duration::from_millis(2500),
    };
    let app = atest::init_service(liveclass_http::app(state)).await;
    let token = TokenIssuer::hs256(SECRET, None, None)
        .mint("student-1", "tenant-a", &["student"], None, 600)
        .unwrap();
    let res = atest::call_service(
        &app,
        atest::TestRequest::get()
            .uri("/live-classes/123e4567-e89b-12d3-a456-426614174000/events")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Accept", "text/event-stream"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-cache");
    let mut body = res.into_body();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(1000);
    while tokio::time::Instant::now() < deadline {
        let next = tokio::time::timeout_at(
            deadline,
            std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)),
        )
        .await;
        match next {
            Ok(Some(Ok(chunk))) => text.push_str(std::str::from_utf8(&chunk).unwrap()),
            Ok(Some(Err(_))) => panic!("the body failed: {text:?}"),
            Ok(None) => panic!("the stream ended: {text:?}"),
            Err(_) => break,
        }
    }
    assert!(text.starts_with("retry: 2500\n\n"), "{text:?}");
    let keep_alives = text.matches(": keep-alive\n\n").count();
    assert!(
        keep_alives >= 3,
        "{keep_alives} keep-alives in 1 s: {text:?}"
    );
    // The first read, then one per safety poll (400 ms) without a wake-up.
    let reads = reads.load(Ordering::Relaxed);
    assert!((2..=4).contains(&reads), "{reads} reads");
}
