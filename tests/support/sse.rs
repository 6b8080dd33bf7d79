//! A small Server-Sent Events reader for tests, over reqwest.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::time::Duration;

use tokio::time::Instant;

/// One event of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

impl SseEvent {
    /// `id:` as a sequence number.
    pub fn seq(&self) -> u64 {
        self.id.as_deref().unwrap().parse().unwrap()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// An open stream.
pub struct SseStream {
    response: reqwest::Response,
    buf: String,
    /// The last `retry:` hint, in milliseconds.
    pub retry: Option<u64>,
    /// Comment lines seen (keep-alives).
    pub comments: usize,
    /// The server ended the stream.
    pub ended: bool,
}

impl SseStream {
    /// Sends `request` with `Accept: text/event-stream`; panics unless the
    /// answer is a 200 stream.
    pub async fn open(request: reqwest::RequestBuilder) -> Self {
        Self::try_open(request)
            .await
            .unwrap_or_else(|(s, b)| panic!("the stream was refused: {s} {b}"))
    }

    /// As [`SseStream::open`], or the status and body of a refusal.
    pub async fn try_open(request: reqwest::RequestBuilder) -> Result<Self, (u16, String)> {
        let response = request
            .header("Accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status != 200 {
            return Err((status, response.text().await.unwrap_or_default()));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(content_type.as_deref(), Some("text/event-stream"));
        Ok(Self {
            response,
            buf: String::new(),
            retry: None,
            comments: 0,
            ended: false,
        })
    }

    /// The next event within `within`, or `None` (timeout or end).
    pub async fn next(&mut self, within: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(event) = self.parse(&block) {
                    return Some(event);
                }
            }
            if self.ended {
                return None;
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(remaining, self.response.chunk()).await {
                Err(_) => return None,
                Ok(Ok(Some(chunk))) => self.buf.push_str(std::str::from_utf8(&chunk).unwrap()),
                Ok(Ok(None) | Err(_)) => {
                    self.ended = true;
                    return None;
                }
            }
        }
    }

    /// The next `n` events, each within `within` of the previous one;
    /// panics with what came when fewer come.
    pub async fn take(&mut self, n: usize, within: Duration) -> Vec<SseEvent> {
        let mut events = Vec::with_capacity(n);
        while events.len() < n {
            match self.next(within).await {
                Some(e) => events.push(e),
                None => panic!("only {} of {n} events came: {events:?}", events.len()),
            }
        }
        events
    }

    fn parse(&mut self, block: &str) -> Option<SseEvent> {
        let (mut id, mut event, mut data) = (None, None, Vec::new());
        for line in block.lines() {
            if line.starts_with(':') {
                self.comments += 1;
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => id = Some(value.to_owned()),
                "event" => event = Some(value.to_owned()),
                "data" => data.push(value.to_owned()),
                "retry" => self.retry = value.parse().ok(),
                _ => {}
            }
        }
        if id.is_none() && event.is_none() && data.is_empty() {
            return None;
        }
        Some(SseEvent {
            id,
            event,
            data: data.join("\n"),
        })
    }
}
