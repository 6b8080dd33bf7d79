//! The unread-count use cases (see [`super::reads`] for the rules).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::errors::MarkReadError;
use super::model::is_moderator;
use super::ports::MessageRepository;
use super::reads::{ReadRepository, ReadUpTo};
use crate::caller::Caller;
use crate::class::ClassRepository;
use crate::clock::Clock;
use crate::ids::ClassId;
use crate::store::RepoError;

/// Unread counts: what the HTTP layer calls.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Unread: Send + Sync {
    /// Marks the class's chat read up to `up_to` (forward only); answers
    /// the mark after it.
    async fn mark_read(
        &self,
        caller: &Caller,
        class_id: ClassId,
        up_to: ReadUpTo,
    ) -> Result<u64, MarkReadError>;

    /// The caller's unread count per class of `classes` (of their tenant;
    /// 0 for a class without unread messages), in one query.
    async fn unread_counts(
        &self,
        caller: &Caller,
        classes: &[ClassId],
    ) -> Result<HashMap<ClassId, u64>, RepoError>;
}

/// The implementation of [`Unread`].
pub struct UnreadService {
    classes: Arc<dyn ClassRepository>,
    messages: Arc<dyn MessageRepository>,
    reads: Arc<dyn ReadRepository>,
    clock: Arc<dyn Clock>,
}

impl UnreadService {
    /// The service over these ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        messages: Arc<dyn MessageRepository>,
        reads: Arc<dyn ReadRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            classes,
            messages,
            reads,
            clock,
        }
    }
}

#[async_trait]
impl Unread for UnreadService {
    async fn mark_read(
        &self,
        caller: &Caller,
        class_id: ClassId,
        up_to: ReadUpTo,
    ) -> Result<u64, MarkReadError> {
        let class = self
            .classes
            .find(&caller.tenant_id, class_id)
            .await?
            .ok_or(MarkReadError::ClassNotFound)?;
        if !is_moderator(caller, &class)
            && !self
                .messages
                .has_participated(&class.tenant_id, class_id, &caller.user_id)
                .await?
        {
            return Err(MarkReadError::NotAdmitted);
        }
        self.reads
            .mark_read(
                &class.tenant_id,
                class_id,
                &caller.user_id,
                up_to,
                self.clock.now(),
            )
            .await?
            .ok_or(MarkReadError::MessageNotFound)
    }

    async fn unread_counts(
        &self,
        caller: &Caller,
        classes: &[ClassId],
    ) -> Result<HashMap<ClassId, u64>, RepoError> {
        if classes.is_empty() {
            return Ok(HashMap::new());
        }
        let counts = self
            .reads
            .unread_counts(&caller.tenant_id, &caller.user_id, classes)
            .await?;
        Ok(counts.into_iter().collect())
    }
}
