//! The calendar use cases: tokens and feeds.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::CalendarFeedError;
use super::model::{CalendarToken, CalendarTokenHash, FEED_HISTORY, FEED_MAX_CLASSES, TokenOwner};
use super::ports::CalendarTokenRepository;
use crate::caller::Caller;
use crate::class::{ClassFilter, ClassRepository, LiveClass, PageRequest};
use crate::clock::Clock;
use crate::ids::{IdGenerator, TenantId};
use crate::schedule::CourseId;
use crate::store::RepoError;

/// The calendar use cases, as the HTTP layer calls them.
/// [`CalendarService`] is the implementation; with the `mocks` feature,
/// `MockCalendars` replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Calendars: Send + Sync {
    /// Mints a feed token for the caller. Shown once; only its hash is kept.
    ///
    /// # Errors
    /// `Store`.
    async fn issue_token(&self, caller: &Caller) -> Result<CalendarToken, RepoError>;

    /// Revokes every feed token of the caller; returns how many.
    ///
    /// # Errors
    /// `Store`.
    async fn revoke_tokens(&self, caller: &Caller) -> Result<u32, RepoError>;

    /// Who a personal join link stands for: the owner of the feed token
    /// whose hash it carries, while that token is not revoked and the link
    /// has not `expires`. `None` otherwise. (The HTTP layer checks the link's
    /// signature.)
    ///
    /// # Errors
    /// `Store`.
    async fn link_owner(
        &self,
        hash: &CalendarTokenHash,
        expires: time::OffsetDateTime,
    ) -> Result<Option<TokenOwner>, RepoError>;

    /// The classes of `course` in the token owner's tenant, from 90 days ago
    /// on, soonest first, cancelled ones included.
    ///
    /// # Errors
    /// `NotFound` for an unknown or revoked token, `Store`.
    async fn course_feed(
        &self,
        token: &CalendarToken,
        course: &CourseId,
    ) -> Result<Vec<LiveClass>, CalendarFeedError>;

    /// The classes the token's owner teaches, from 90 days ago on.
    ///
    /// # Errors
    /// `NotFound` for an unknown or revoked token, `Store`.
    async fn user_feed(&self, token: &CalendarToken) -> Result<Vec<LiveClass>, CalendarFeedError>;
}

/// Calendar tokens and feeds.
pub struct CalendarService {
    tokens: Arc<dyn CalendarTokenRepository>,
    classes: Arc<dyn ClassRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl CalendarService {
    /// The service over its stores, a clock and an id generator.
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

    async fn owner(&self, token: &CalendarToken) -> Result<TokenOwner, CalendarFeedError> {
        self.tokens
            .owner(&token.hash())
            .await?
            .ok_or(CalendarFeedError::NotFound)
    }

    fn window(&self) -> ClassFilter {
        ClassFilter {
            from: Some(crate::instant::earlier(self.clock.now(), FEED_HISTORY)),
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

#[async_trait]
impl Calendars for CalendarService {
    /// Mints a feed token for the caller. Shown once; only its hash is kept.
    ///
    /// # Errors
    /// `Store`.
    async fn issue_token(&self, caller: &Caller) -> Result<CalendarToken, RepoError> {
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
    async fn revoke_tokens(&self, caller: &Caller) -> Result<u32, RepoError> {
        self.tokens
            .revoke_all(&owner_of(caller), self.clock.now())
            .await
    }

    /// The owner of a live token, for a personal join link not yet expired.
    ///
    /// # Errors
    /// `Store`.
    async fn link_owner(
        &self,
        hash: &CalendarTokenHash,
        expires: time::OffsetDateTime,
    ) -> Result<Option<TokenOwner>, RepoError> {
        if self.clock.now() > expires {
            return Ok(None);
        }
        self.tokens.owner(hash).await
    }

    /// The classes of `course` in the token owner's tenant, from 90 days ago
    /// on, soonest first, cancelled ones included (feeds show them as
    /// cancelled).
    ///
    /// # Errors
    /// `NotFound` for a bad token, `Invalid` course id, `Store`.
    async fn course_feed(
        &self,
        token: &CalendarToken,
        course: &CourseId,
    ) -> Result<Vec<LiveClass>, CalendarFeedError> {
        let owner = self.owner(token).await?;
        let filter = ClassFilter {
            course_id: Some(course.clone()),
            ..self.window()
        };
        self.all(&owner.tenant_id, &filter).await
    }

    /// The classes the token's owner teaches, from 90 days ago on.
    ///
    /// # Errors
    /// `NotFound` for a bad token, `Store`.
    async fn user_feed(&self, token: &CalendarToken) -> Result<Vec<LiveClass>, CalendarFeedError> {
        let owner = self.owner(token).await?;
        let filter = ClassFilter {
            created_by: Some(owner.user_id.clone()),
            ..self.window()
        };
        self.all(&owner.tenant_id, &filter).await
    }
}

fn owner_of(caller: &Caller) -> TokenOwner {
    TokenOwner {
        tenant_id: caller.tenant_id.clone(),
        user_id: caller.user_id.clone(),
    }
}
