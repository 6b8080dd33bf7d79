//! Daily's participant report, for reconciling a class's attendance:
//! `GET /meetings?room=…&timeframe_start=…&timeframe_end=…` lists the
//! room's meeting sessions in the window, then `GET
//! /meetings/{meeting}/participants` each one's presences (one per join:
//! `participant_id` is the per-join session id, `user_id` the meeting
//! token's, `join_time` and `duration` in seconds). Both are paged: the
//! next page starts after the last id seen, and a page shorter than the
//! limit is the last.

use liveclass_domain::video::{AttendanceRecord, Room, VideoError};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::{DailyVideoProvider, parse};
use crate::client::Idempotency;

/// Records per page (Daily's `limit`).
const PAGE: usize = 100;
/// Pages read at most per list: a room's window never holds more.
const MAX_PAGES: usize = 100;
/// How far the window is widened each way for the provider's clock and the
/// moments before the start that the webhooks would have missed.
const SLACK: Duration = Duration::minutes(15);

#[derive(Deserialize)]
struct Page<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct Meeting {
    id: String,
}

#[derive(Deserialize)]
struct Participant {
    participant_id: String,
    user_id: Option<String>,
    user_name: Option<String>,
    /// Unix seconds (Daily documents an integer; a fraction is accepted).
    join_time: f64,
    /// Seconds.
    duration: Option<f64>,
}

/// An id Daily gave, before it goes into a query: Daily's ids are UUIDs.
fn checked(id: &str) -> Result<&str, VideoError> {
    if !id.is_empty()
        && id.len() <= 128
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(id)
    } else {
        Err(VideoError::Unexpected(anyhow::anyhow!(
            "Daily answered an id LiveClass does not expect: `{id}`"
        )))
    }
}

fn instant(unix: f64) -> Result<OffsetDateTime, VideoError> {
    #[allow(clippy::cast_possible_truncation)]
    let nanos = (unix * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map_err(|e| VideoError::Unexpected(anyhow::Error::new(e).context("a Daily join time")))
}

impl Participant {
    fn record(self) -> Result<AttendanceRecord, VideoError> {
        let joined_at = instant(self.join_time)?;
        let seconds = self.duration.unwrap_or(0.0).max(0.0);
        Ok(AttendanceRecord {
            key: self.participant_id,
            user_hint: self.user_id.filter(|u| !u.is_empty()),
            name: self.user_name,
            joined_at,
            left_at: joined_at + Duration::seconds_f64(seconds),
        })
    }
}

impl DailyVideoProvider {
    /// Every page of `path`, following `after`
    /// (the query parameter naming the last id seen) with `id_of`.
    async fn pages<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        after: &str,
        id_of: impl Fn(&T) -> &str,
        what: &str,
    ) -> Result<Vec<T>, VideoError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        let sep = if path.contains('?') { '&' } else { '?' };
        for _ in 0..MAX_PAGES {
            let next = match &cursor {
                Some(id) => format!("{path}{sep}limit={PAGE}&{after}={}", checked(id)?),
                None => format!("{path}{sep}limit={PAGE}"),
            };
            let body = self
                .call(Idempotency::Idempotent, reqwest::Method::GET, &next, None)
                .await?;
            let page: Page<T> = parse(&body, what)?;
            let full = page.data.len() >= PAGE;
            cursor = page.data.last().map(|item| id_of(item).to_owned());
            all.extend(page.data);
            if !full {
                break;
            }
        }
        Ok(all)
    }

    pub(super) async fn participant_report(
        &self,
        room: &Room,
        (start, end): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<AttendanceRecord>, VideoError> {
        let meetings: Vec<Meeting> = self
            .pages(
                &format!(
                    "/meetings?room={}&timeframe_start={}&timeframe_end={}",
                    checked(&room.external_id)?,
                    (start - SLACK).unix_timestamp(),
                    (end + SLACK).unix_timestamp()
                ),
                "starting_after",
                |m: &Meeting| &m.id,
                "meetings",
            )
            .await?;
        let mut records = Vec::new();
        for meeting in meetings {
            let participants: Vec<Participant> = self
                .pages(
                    &format!("/meetings/{}/participants", checked(&meeting.id)?),
                    "joined_after",
                    |p: &Participant| &p.participant_id,
                    "meeting participants",
                )
                .await?;
            for p in participants {
                records.push(p.record()?);
            }
        }
        Ok(records)
    }
}
