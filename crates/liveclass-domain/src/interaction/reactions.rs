//! Reactions: a small fixed set of emoji a participant sends during the
//! class, under the chat's posting rules (live class; admitted, never
//! removed, or a moderator) and its per-user rate limit. Each kind has a
//! stable name (stored and shown) and its emoji (shown):
//!
//! | name | emoji |
//! | --- | --- |
//! | `thumbs_up` | 👍 |
//! | `clap` | 👏 |
//! | `heart` | ❤️ |
//! | `laugh` | 😂 |
//! | `surprised` | 😮 |
//! | `celebrate` | 🎉 |
//! | `raised_hand` | ✋ |
//!
//! Counts are kept per class and per minute (UTC, the minute a reaction
//! was stored in); the reactions of a class take turns in the store, so
//! the counts each `reaction.posted` event carries are exact and grow in
//! commit order.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{PostGuard, PostOutcome};
use crate::ids::{ClassId, ReactionId, TenantId, UserId};
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};

/// A kind of reaction (see the module docs for the set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReactionKind {
    /// 👍
    ThumbsUp,
    /// 👏
    Clap,
    /// ❤️
    Heart,
    /// 😂
    Laugh,
    /// 😮
    Surprised,
    /// 🎉
    Celebrate,
    /// ✋
    RaisedHand,
}

impl ReactionKind {
    /// Every kind, in the order counts are shown.
    pub const ALL: &'static [Self] = &[
        Self::ThumbsUp,
        Self::Clap,
        Self::Heart,
        Self::Laugh,
        Self::Surprised,
        Self::Celebrate,
        Self::RaisedHand,
    ];

    /// The stable name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ThumbsUp => "thumbs_up",
            Self::Clap => "clap",
            Self::Heart => "heart",
            Self::Laugh => "laugh",
            Self::Surprised => "surprised",
            Self::Celebrate => "celebrate",
            Self::RaisedHand => "raised_hand",
        }
    }

    /// The emoji.
    pub const fn emoji(self) -> &'static str {
        match self {
            Self::ThumbsUp => "👍",
            Self::Clap => "👏",
            Self::Heart => "❤️",
            Self::Laugh => "😂",
            Self::Surprised => "😮",
            Self::Celebrate => "🎉",
            Self::RaisedHand => "✋",
        }
    }

    /// # Errors
    /// Neither the name nor the emoji of a kind.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == raw || k.emoji() == raw)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::new(
                    Field::ReactionKind,
                    format!("must be one of {}", names.join(", ")),
                )
            })
    }
}

/// The minute (Unix seconds / 60, UTC) `at` falls in.
pub fn minute_of(at: OffsetDateTime) -> i64 {
    at.unix_timestamp().div_euclid(60)
}

/// The instant a minute (see [`minute_of`]) starts.
pub fn minute_start(minute: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(minute.saturating_mul(60))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A reaction to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReaction {
    /// The id.
    pub id: ReactionId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// Who reacts.
    pub user_id: UserId,
    /// Which reaction.
    pub kind: ReactionKind,
    /// When.
    pub reacted_at: OffsetDateTime,
}

/// Counts per kind, every kind of [`ReactionKind::ALL`] in that order
/// (zeros included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCounts(pub Vec<(ReactionKind, u64)>);

impl KindCounts {
    /// Counts of the `(kind, count)` pairs, summed per kind.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (ReactionKind, u64)>) -> Self {
        let mut counts: Vec<(ReactionKind, u64)> =
            ReactionKind::ALL.iter().map(|k| (*k, 0)).collect();
        for (kind, n) in pairs {
            if let Some(slot) = counts.iter_mut().find(|(k, _)| *k == kind) {
                slot.1 += n;
            }
        }
        Self(counts)
    }

    /// Every reaction counted.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// The count of `kind`.
    pub fn of(&self, kind: ReactionKind) -> u64 {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// The counts of one minute that had reactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteCounts {
    /// When the minute starts (UTC).
    pub minute: OffsetDateTime,
    /// Its counts per kind.
    pub counts: KindCounts,
}

/// A class's reaction counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    /// The class.
    pub class_id: ClassId,
    /// Over the whole class.
    pub counts: KindCounts,
    /// Per minute with reactions, oldest first.
    pub minutes: Vec<MinuteCounts>,
}

impl ReactionSummary {
    /// The summary of `(minute, kind, count)` rows.
    pub fn from_rows(class_id: ClassId, rows: &[(i64, ReactionKind, u64)]) -> Self {
        let mut minutes: Vec<i64> = rows.iter().map(|(m, _, _)| *m).collect();
        minutes.sort_unstable();
        minutes.dedup();
        Self {
            class_id,
            counts: KindCounts::from_pairs(rows.iter().map(|(_, k, n)| (*k, *n))),
            minutes: minutes
                .into_iter()
                .map(|m| MinuteCounts {
                    minute: minute_start(m),
                    counts: KindCounts::from_pairs(
                        rows.iter()
                            .filter(|(rm, _, _)| *rm == m)
                            .map(|(_, k, n)| (*k, *n)),
                    ),
                })
                .collect(),
        }
    }
}

/// A stored reaction with the class's counts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedReaction {
    /// The reaction.
    pub reaction: NewReaction,
    /// The class's counts per kind after it.
    pub counts: KindCounts,
}

/// What posting a reaction came to; any outcome but `Posted` writes
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReactOutcome {
    /// Stored, with its `reaction.posted` event.
    Posted(PostedReaction),
    /// The class refused it, as it would refuse a chat post.
    Refused(PostOutcome),
}

/// Stores reactions. Every write appends its class event in the same
/// transaction (`reaction.posted`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReactionRepository: Send + Sync {
    /// Stores `reaction` if, **inside the write**, the class accepts its
    /// author as it would a chat post (see
    /// [`super::MessageRepository::post_message`]), bumps the counts and
    /// appends `reaction.posted` with the class's counts after it.
    /// **Contract:** the counts are exact whatever the concurrency.
    async fn post_reaction(
        &self,
        reaction: &NewReaction,
        guard: PostGuard,
    ) -> Result<ReactOutcome, RepoError>;

    /// The class's counts, per kind and per minute.
    async fn reaction_summary(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<ReactionSummary, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_name_or_emoji_and_nothing_else() {
        for k in ReactionKind::ALL {
            assert_eq!(ReactionKind::parse(k.as_str()), Ok(*k));
            assert_eq!(ReactionKind::parse(k.emoji()), Ok(*k));
        }
        for bad in ["", "thumbsup", "👎", "THUMBS_UP", "<b>"] {
            let err = ReactionKind::parse(bad).expect_err(bad);
            assert_eq!(err.field, Field::ReactionKind);
        }
        assert_eq!(ReactionKind::ALL.len(), 7);
    }

    #[test]
    fn minutes_are_utc_minutes_of_unix_time() {
        let at = OffsetDateTime::from_unix_timestamp(125).unwrap();
        assert_eq!(minute_of(at), 2);
        assert_eq!(minute_start(2).unix_timestamp(), 120);
        let before = OffsetDateTime::from_unix_timestamp(-1).unwrap();
        assert_eq!(minute_of(before), -1);
    }

    #[test]
    fn a_summary_counts_every_kind_per_class_and_per_minute() {
        let class = ClassId::from_uuid(uuid::Uuid::nil());
        let rows = [
            (10, ReactionKind::Clap, 2),
            (9, ReactionKind::ThumbsUp, 1),
            (10, ReactionKind::ThumbsUp, 3),
        ];
        let s = ReactionSummary::from_rows(class, &rows);
        assert_eq!(s.counts.of(ReactionKind::ThumbsUp), 4);
        assert_eq!(s.counts.of(ReactionKind::Clap), 2);
        assert_eq!(s.counts.of(ReactionKind::Heart), 0);
        assert_eq!(s.counts.0.len(), ReactionKind::ALL.len());
        assert_eq!(s.counts.total(), 6);
        let minutes: Vec<i64> = s.minutes.iter().map(|m| minute_of(m.minute)).collect();
        assert_eq!(minutes, [9, 10]);
        assert_eq!(s.minutes[1].counts.total(), 5);
    }
}
