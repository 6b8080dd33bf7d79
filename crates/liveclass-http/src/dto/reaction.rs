//! `/live-classes/{id}/reactions`: reactions and their counts.

use liveclass_domain::interaction::{KindCounts, PostedReaction, ReactionKind, ReactionSummary};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// `POST /live-classes/{liveClassId}/reactions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostReactionBody {
    /// The reaction's name (`thumbs_up` 👍, `clap` 👏, `heart` ❤️, `laugh`
    /// 😂, `surprised` 😮, `celebrate` 🎉, `raised_hand` ✋), or its emoji.
    #[schema(example = "thumbs_up")]
    pub reaction: String,
}

impl PostReactionBody {
    /// # Errors
    /// `validation_failed`: not a reaction of the set.
    pub fn parse(&self) -> Result<ReactionKind, ApiError> {
        Ok(ReactionKind::parse(&self.reaction)?)
    }
}

/// One kind's count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionCountResponse {
    /// The stable name.
    #[schema(example = "thumbs_up")]
    pub reaction: &'static str,
    /// Its emoji.
    #[schema(example = "👍")]
    pub emoji: &'static str,
    pub count: u64,
}

fn counts(c: &KindCounts) -> Vec<ReactionCountResponse> {
    c.0.iter()
        .map(|(k, n)| ReactionCountResponse {
            reaction: k.as_str(),
            emoji: k.emoji(),
            count: *n,
        })
        .collect()
}

/// A reaction, as sent, with the class's counts after it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub user_id: String,
    #[schema(example = "thumbs_up")]
    pub reaction: &'static str,
    #[schema(example = "👍")]
    pub emoji: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reacted_at: OffsetDateTime,
    /// The class's counts per kind after it (every kind, zeros included).
    pub counts: Vec<ReactionCountResponse>,
    /// Every reaction of the class.
    pub total: u64,
}

impl From<PostedReaction> for ReactionResponse {
    fn from(p: PostedReaction) -> Self {
        let r = &p.reaction;
        Self {
            id: r.id.to_string(),
            live_class_id: r.class_id.to_string(),
            user_id: r.user_id.to_string(),
            reaction: r.kind.as_str(),
            emoji: r.kind.emoji(),
            reacted_at: r.reacted_at,
            counts: counts(&p.counts),
            total: p.counts.total(),
        }
    }
}

/// One minute's counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionMinuteResponse {
    /// When the minute starts (UTC).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub minute: OffsetDateTime,
    pub counts: Vec<ReactionCountResponse>,
    pub total: u64,
}

/// A class's reaction counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionSummaryResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// Over the whole class, per kind (every kind, zeros included).
    pub counts: Vec<ReactionCountResponse>,
    pub total: u64,
    /// Per minute that had reactions, oldest first.
    pub minutes: Vec<ReactionMinuteResponse>,
}

impl From<ReactionSummary> for ReactionSummaryResponse {
    fn from(s: ReactionSummary) -> Self {
        Self {
            live_class_id: s.class_id.to_string(),
            counts: counts(&s.counts),
            total: s.counts.total(),
            minutes: s
                .minutes
                .iter()
                .map(|m| ReactionMinuteResponse {
                    minute: m.minute,
                    counts: counts(&m.counts),
                    total: m.counts.total(),
                })
                .collect(),
        }
    }
}
