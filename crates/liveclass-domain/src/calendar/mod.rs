//! Calendar feeds (seed 001's iCal): which classes a feed shows, and the
//! revocable per-user tokens that open feeds to calendar apps, which cannot
//! send bearer headers. Rendering to iCalendar is the HTTP layer's job.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::caller::Caller;
use crate::class::{ClassFilter, ClassRepository, LiveClass, PageRequest, RepoError};
use crate::clock::Clock;
use crate::ids::{IdGenerator, TenantId, UserId};
use crate::schedule::CourseId;

/// A feed token as handed to its user: 64 lower-case hex characters (two
/// random UUIDs, 244 random bits). Only its [`CalendarTokenHash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CalendarToken(String);

impl CalendarToken {
    pub fn generate(ids: &dyn IdGenerator) -> Self {
        Self(format!(
            "{}{}",
            ids.new_uuid().simple(),
            ids.new_uuid().simple()
        ))
    }

    /// `None` for anything but 64 lower-case hex characters.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> CalendarTokenHash {
        let digest = Sha256::digest(self.0.as_bytes());
        CalendarTokenHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl fmt::Debug for CalendarToken {
    // A token is a credential: never logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CalendarToken(<redacted>)")
    }
}

/// The SHA-256 of a token, hex: what the store keeps and looks up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalendarTokenHash(String);

impl CalendarTokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose feed a token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub tenant_id: TenantId,
    pub user_id: UserId,
}

/// Stores calendar tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CalendarTokenRepository: Send + Sync {
    /// Stores a new token for `owner`.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn insert(
        &self,
        hash: &CalendarTokenHash,
        owner: &TokenOwner,
        at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// The owner of a token that exists and is not revoked.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn owner(&self, hash: &CalendarTokenHash) -> Result<Option<TokenOwner>, RepoError>;

    /// Revokes every live token of `owner`; returns how many.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn revoke_all(&self, owner: &TokenOwner, at: OffsetDateTime) -> Result<u32, RepoError>;
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarFeedError {
    /// Unknown, malformed or revoked token.
    #[error("Calendar not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// How far back feeds reach.
pub const FEED_HISTORY: Duration = Duration::days(90);
/// The most classes one feed lists.
pub const FEED_MAX_CLASSES: u64 = 1000;

/// Calendar tokens and feeds.
pub struct CalendarService {
    tokens: Arc<dyn CalendarTokenRepository>,
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl CalendarService {
    pub fn new(
        tokens: Arc<dyn CalendarTokenRepository>,
        classes: Arc<dyn ClassRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            tokens,
            classes,
            clock,
            ids,
        }
    }

    /// Mints a feed token for the caller. Shown once; only its hash is kept.
    ///
    /// # Errors
    /// `Store`.
    pub async fn issue_token(&self, caller: &Caller) -> Result<CalendarToken, RepoError> {
        let token = CalendarToken::generate(self.ids.as_ref());
        self.tokens
            .insert(&token.hash(), &owner_of(caller), self.clock.now())
            .await?;
        Ok(token)
    }

    /// Revokes every feed token of the caller; their feeds stop at once.
    ///
    /// # Errors
    /// `Store`.
    pub async fn revoke_tokens(&self, caller: &Caller) -> Result<u32, RepoError> {
        self.tokens
            .revoke_all(&owner_of(caller), self.clock.now())
            .await
    }

    /// The classes of `course` in the token owner's tenant, from 90 days ago
    /// on, soonest first, cancelled ones included (feeds show them as
    /// cancelled).
    ///
    /// # Errors
    /// `NotFound` for a bad token, `Invalid` course id, `Store`.
    pub async fn course_feed(
        &self,
        token: &str,
        course: &str,
    ) -> Result<Vec<LiveClass>, CalendarFeedError> {
        let owner = self.owner(token).await?;
        let filter = ClassFilter {
            course_id: Some(CourseId::parse(course)?),
            ..self.window()
        };
        self.all(&owner.tenant_id, &filter).await
    }

    /// The classes the token's owner teaches, from 90 days ago on.
    ///
    /// # Errors
    /// `NotFound` for a bad token, `Store`.
    pub async fn user_feed(&self, token: &str) -> Result<Vec<LiveClass>, CalendarFeedError> {
        let owner = self.owner(token).await?;
        let filter = ClassFilter {
            created_by: Some(owner.user_id.clone()),
            ..self.window()
        };
        self.all(&owner.tenant_id, &filter).await
    }

    async fn owner(&self, token: &str) -> Result<TokenOwner, CalendarFeedError> {
        let token = CalendarToken::parse(token).ok_or(CalendarFeedError::NotFound)?;
        self.tokens
            .owner(&token.hash())
            .await?
            .ok_or(CalendarFeedError::NotFound)
    }

    fn window(&self) -> ClassFilter {
        ClassFilter {
            from: Some(self.clock.now() - FEED_HISTORY),
            ..ClassFilter::default()
        }
    }

    async fn all(
        &self,
        tenant: &TenantId,
        filter: &ClassFilter,
    ) -> Result<Vec<LiveClass>, CalendarFeedError> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = PageRequest::new(Some(i64::from(PageRequest::MAX_LIMIT)), Some(offset))?;
            let got = self.classes.list(tenant, filter, page).await?;
            let n = got.classes.len();
            out.extend(got.classes.into_iter().map(|(class, _)| class));
            offset += i64::try_from(n).unwrap_or(i64::MAX);
            if n == 0
                || u64::try_from(offset).unwrap_or(u64::MAX) >= got.total.min(FEED_MAX_CLASSES)
            {
                break;
            }
        }
        Ok(out)
    }
}

fn owner_of(caller: &Caller) -> TokenOwner {
    TokenOwner {
        tenant_id: caller.tenant_id.clone(),
        user_id: caller.user_id.clone(),
    }
}

#[cfg(test)]
mod tests;
