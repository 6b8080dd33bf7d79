//! Polls: a moderator creates one (a draft), opens and closes it; each
//! user admitted to the live class votes once while it is open, and **the
//! vote is final** (no change of mind: one ballot per user, the database's
//! key decides). Results are live counts; a named poll shows who chose
//! what to moderators only, an anonymous one to nobody.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{PostGuard, PostOutcome};
use crate::ids::{ClassId, PollId, TenantId, UserId};
use crate::store::RepoError;
use crate::validation::{Field, ValidationError, check_text};

/// A poll's question or one of its options: 1 to 300 characters, not
/// blank, single line.
fn label(field: Field, raw: &str) -> Result<String, ValidationError> {
    if raw.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be blank"));
    }
    if raw.chars().count() > 300 {
        return Err(ValidationError::new(
            field,
            "must be at most 300 characters",
        ));
    }
    check_text(field, raw, false)?;
    Ok(raw.to_owned())
}

/// What a moderator asks: the question, 2 to 10 distinct options, single or
/// multiple choice, anonymous or named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSpec {
    /// The question.
    pub question: String,
    /// The options, in order (their index is how votes name them).
    pub options: Vec<String>,
    /// Several options per vote, or exactly one.
    pub multiple: bool,
    /// Who chose what is shown to nobody (else to moderators).
    pub anonymous: bool,
}

impl PollSpec {
    /// The fewest options.
    pub const MIN_OPTIONS: usize = 2;
    /// The most options.
    pub const MAX_OPTIONS: usize = 10;

    /// # Errors
    /// A blank or too long text, fewer than 2 or more than 10 options, or
    /// two equal options.
    pub fn parse(
        question: &str,
        options: &[String],
        multiple: bool,
        anonymous: bool,
    ) -> Result<Self, ValidationError> {
        let question = label(Field::Content, question)?;
        if !(Self::MIN_OPTIONS..=Self::MAX_OPTIONS).contains(&options.len()) {
            return Err(ValidationError::new(
                Field::PollOptions,
                "must have 2 to 10 options",
            ));
        }
        let options = options
            .iter()
            .map(|o| label(Field::PollOptions, o))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, o) in options.iter().enumerate() {
            if options[..i].contains(o) {
                return Err(ValidationError::new(
                    Field::PollOptions,
                    "must not repeat an option",
                ));
            }
        }
        Ok(Self {
            question,
            options,
            multiple,
            anonymous,
        })
    }
}

/// Where a poll stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PollStatus {
    /// Created, not open yet: moderators only see it.
    Draft,
    /// Taking votes.
    Open,
    /// Over; its results stay.
    Closed,
}

impl PollStatus {
    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    /// The status named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Draft, Self::Open, Self::Closed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// One user's vote, shown to moderators of a named poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// Who.
    pub user_id: UserId,
    /// The option indexes chosen.
    pub options: Vec<u32>,
}

/// A poll with its live counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The id.
    pub id: PollId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// What was asked.
    pub spec: PollSpec,
    /// Where it stands.
    pub status: PollStatus,
    /// The moderator who created it.
    pub created_by: UserId,
    /// When.
    pub created_at: OffsetDateTime,
    /// Votes per option, in option order.
    pub counts: Vec<u64>,
    /// How many users voted.
    pub voters: u64,
    /// Who chose what (filled for moderators of a named poll only).
    pub ballots: Option<Vec<Ballot>>,
}

/// What a vote came to; every outcome but `Voted` leaves nothing written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteOutcome {
    /// Counted, with its `poll.voted` event; the poll after it.
    Voted(Poll),
    /// The user has voted in this poll already (the vote is final).
    AlreadyVoted,
    /// No such poll in the class.
    PollNotFound,
    /// The poll is not open.
    PollNotOpen,
    /// The class refused the voter, as it would refuse a post by them.
    Refused(PostOutcome),
}

/// Stores polls. Every change appends its event in the same transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PollRepository: Send + Sync {
    /// Stores a new draft poll (and appends nothing: drafts are private).
    async fn create_poll(&self, poll: &Poll) -> Result<(), RepoError>;

    /// The poll, with counts (and ballots when `with_ballots`).
    async fn find_poll(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        with_ballots: bool,
    ) -> Result<Option<Poll>, RepoError>;

    /// The class's polls, oldest first, with counts; drafts only when
    /// `with_drafts`; ballots when `with_ballots` (named polls only).
    async fn list_polls(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        with_drafts: bool,
        with_ballots: bool,
    ) -> Result<Vec<Poll>, RepoError>;

    /// Moves the poll `from → to` if it is in `from` when the write
    /// happens, appending `poll.opened` or `poll.closed`; `None` when it
    /// was not (or there is no such poll).
    async fn move_poll(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        from: PollStatus,
        to: PollStatus,
        at: OffsetDateTime,
    ) -> Result<Option<Poll>, RepoError>;

    /// Records `user`'s final vote for `options` (indexes already checked
    /// against the poll) if, inside the write, the class accepts them as a
    /// poster and the poll is open; appends `poll.voted` with the counts.
    /// **Contract:** one ballot per user and poll, whatever the concurrency.
    #[allow(clippy::too_many_arguments)]
    async fn vote(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: PollId,
        user: &UserId,
        options: &[u32],
        guard: PostGuard,
        at: OffsetDateTime,
    ) -> Result<VoteOutcome, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("option {i}")).collect()
    }

    #[test]
    fn a_poll_has_2_to_10_distinct_options_and_a_question() {
        assert!(PollSpec::parse("Pace?", &opts(2), false, false).is_ok());
        assert!(PollSpec::parse("Pace?", &opts(10), true, true).is_ok());
        for bad in [
            opts(1),
            opts(11),
            vec!["a".into(), "a".into()],
            vec!["a".into(), " ".into()],
        ] {
            let err = PollSpec::parse("Pace?", &bad, false, false).unwrap_err();
            assert_eq!(err.field, Field::PollOptions, "{bad:?}");
        }
        assert_eq!(
            PollSpec::parse(" ", &opts(2), false, false)
                .unwrap_err()
                .field,
            Field::Content
        );
    }
}
