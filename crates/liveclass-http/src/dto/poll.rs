//! `/live-classes/{id}/polls`: polls and their live counts.

use liveclass_domain::interaction::{Poll, PollSpec, PollStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// `POST /live-classes/{liveClassId}/polls`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatePollBody {
    /// 1 to 300 characters, single line, not blank.
    #[schema(example = "How is the pace?", min_length = 1, max_length = 300)]
    pub question: String,
    /// 2 to 10 distinct options (each 1 to 300 characters, single line).
    #[schema(min_items = 2, max_items = 10, example = json!(["Too slow", "Fine", "Too fast"]))]
    pub options: Vec<String>,
    /// Several options per vote (default false: exactly one).
    pub multiple_choice: Option<bool>,
    /// Who chose what is shown to nobody (default false: moderators see it).
    pub is_anonymous: Option<bool>,
}

impl CreatePollBody {
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<PollSpec, ApiError> {
        Ok(PollSpec::parse(
            &self.question,
            &self.options,
            self.multiple_choice.unwrap_or(false),
            self.is_anonymous.unwrap_or(false),
        )?)
    }
}

/// `POST /live-classes/{liveClassId}/polls/{pollId}/votes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoteBody {
    /// The chosen options' indexes (0-based): exactly one for a
    /// single-choice poll, one or more for a multiple-choice one.
    #[schema(min_items = 1, max_items = 10, example = json!([1]))]
    pub options: Vec<u32>,
}

/// `draft` (moderators only), `open` or `closed`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = PollStatus)]
pub enum PollStatusDto {
    Draft,
    Open,
    Closed,
}

impl From<PollStatus> for PollStatusDto {
    fn from(s: PollStatus) -> Self {
        match s {
            PollStatus::Draft => Self::Draft,
            PollStatus::Open => Self::Open,
            PollStatus::Closed => Self::Closed,
        }
    }
}

/// Who chose what (moderators of a named poll only).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BallotResponse {
    pub user_id: String,
    /// The option indexes chosen.
    pub options: Vec<u32>,
}

/// A poll with its live counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PollResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub question: String,
    pub options: Vec<String>,
    pub multiple_choice: bool,
    pub is_anonymous: bool,
    pub status: PollStatusDto,
    /// Votes per option, in option order.
    pub counts: Vec<u64>,
    /// How many users voted.
    pub voters: u64,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Who chose what: present for moderators of a named poll only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballots: Option<Vec<BallotResponse>>,
}

impl From<Poll> for PollResponse {
    fn from(p: Poll) -> Self {
        Self {
            id: p.id.to_string(),
            live_class_id: p.class_id.to_string(),
            question: p.spec.question,
            options: p.spec.options,
            multiple_choice: p.spec.multiple,
            is_anonymous: p.spec.anonymous,
            status: p.status.into(),
            counts: p.counts,
            voters: p.voters,
            created_by: p.created_by.to_string(),
            created_at: p.created_at,
            ballots: p.ballots.map(|b| {
                b.into_iter()
                    .map(|b| BallotResponse {
                        user_id: b.user_id.to_string(),
                        options: b.options,
                    })
                    .collect()
            }),
        }
    }
}

/// The class's polls, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PollListResponse {
    pub data: Vec<PollResponse>,
}
