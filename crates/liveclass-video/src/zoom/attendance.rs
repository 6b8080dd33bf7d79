//! Zoom's participant report, for reconciling a class's attendance:
//! `GET /report/meetings/{meetingId}/participants` (the Report API: needs
//! the `report:read:admin` scope, a paid account), paged with
//! `next_page_token`. One row per join (a participant who rejoins appears
//! again under the same `id`), with `join_time`, `leave_time` (RFC 3339)
//! and `customer_key`, the LiveClass user key a join link carried. The
//! meeting id (not a UUID) names the meeting's latest instance: a class's
//! meeting is used once.

use liveclass_domain::video::{AttendanceRecord, Room, VideoError};
use reqwest::Method;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{ZoomVideoProvider, unexpected};
use crate::client::Idempotency;

/// Rows per page (Zoom's maximum).
const PAGE_SIZE: u32 = 300;
/// Pages read at most: far beyond any class's joins.
const MAX_PAGES: usize = 100;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    participants: Vec<Participant>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct Participant {
    id: Option<String>,
    user_id: Option<String>,
    name: Option<String>,
    join_time: Option<String>,
    leave_time: Option<String>,
    customer_key: Option<String>,
}

fn instant(raw: Option<&str>) -> Option<OffsetDateTime> {
    raw.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

impl Participant {
    /// The row as a presence; `None` for a row without a join time (nothing
    /// to count from).
    fn record(self) -> Option<AttendanceRecord> {
        let joined_at = instant(self.join_time.as_deref())?;
        let left_at = instant(self.leave_time.as_deref())
            .unwrap_or(joined_at)
            .max(joined_at);
        let who = self
            .id
            .filter(|i| !i.is_empty())
            .or(self.user_id)
            .unwrap_or_default();
        Some(AttendanceRecord {
            key: format!("report:{who}:{}", joined_at.unix_timestamp()),
            user_hint: self.customer_key.filter(|k| !k.is_empty()),
            name: self.name,
            joined_at,
            left_at,
        })
    }
}

/// A page token as a query value (Zoom's tokens are alphanumeric; anything
/// else is escaped).
fn escaped(token: &str) -> String {
    token
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl ZoomVideoProvider {
    pub(super) async fn participant_report(
        &self,
        room: &Room,
    ) -> Result<Vec<AttendanceRecord>, VideoError> {
        if room.external_id.is_empty() || !room.external_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(VideoError::Invalid(format!(
                "`{}` is not a Zoom meeting id",
                room.external_id
            )));
        }
        let mut records = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut path = format!(
                "/report/meetings/{}/participants?page_size={PAGE_SIZE}",
                room.external_id
            );
            if let Some(token) = &token {
                path.push_str(&format!("&next_page_token={}", escaped(token)));
            }
            let answer = self
                .call(Idempotency::Idempotent, Method::GET, &path, None)
                .await?;
            let page: Page = serde_json::from_slice(&answer.body)
                .map_err(|e| unexpected(e, "unexpected Zoom participants report"))?;
            records.extend(
                page.participants
                    .into_iter()
                    .filter_map(Participant::record),
            );
            token = page.next_page_token.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        Ok(records)
    }
}
