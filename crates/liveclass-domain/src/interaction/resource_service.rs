//! The shared-resource use cases (see [`super::resources`] for the rules).

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::ResourceError;
use super::model::is_moderator;
use super::ports::MessageRepository;
use super::resources::{Resource, ResourceRepository, ResourceSpec, ShareOutcome};
use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator, ResourceId};

/// Shared resources: what the HTTP layer calls.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Resources: Send + Sync {
    /// Shares a resource (moderators; a scheduled or live class).
    async fn share(
        &self,
        caller: &Caller,
        class_id: ClassId,
        spec: ResourceSpec,
    ) -> Result<Resource, ResourceError>;

    /// Removes a resource (moderators; any time).
    async fn remove(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: ResourceId,
    ) -> Result<Resource, ResourceError>;

    /// The class's resources, oldest first, for those who may read its chat.
    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<Resource>, ResourceError>;
}

/// The implementation of [`Resources`].
pub struct ResourceService {
    classes: Arc<dyn ClassRepository>,
    messages: Arc<dyn MessageRepository>,
    resources: Arc<dyn ResourceRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl ResourceService {
    /// The service over these ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        messages: Arc<dyn MessageRepository>,
        resources: Arc<dyn ResourceRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            classes,
            messages,
            resources,
            clock,
            ids,
        }
    }

    async fn class(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, ResourceError> {
        self.classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(ResourceError::ClassNotFound)
    }

    async fn moderated(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, ResourceError> {
        let class = self.class(caller, id).await?;
        if is_moderator(caller, &class) {
            Ok(class)
        } else {
            Err(ResourceError::NotModerator)
        }
    }
}

#[async_trait]
impl Resources for ResourceService {
    async fn share(
        &self,
        caller: &Caller,
        class_id: ClassId,
        spec: ResourceSpec,
    ) -> Result<Resource, ResourceError> {
        let class = self.moderated(caller, class_id).await?;
        // Checked again inside the write.
        if matches!(class.status, ClassStatus::Ended | ClassStatus::Cancelled) {
            return Err(ResourceError::ClassFinished);
        }
        let resource = Resource {
            id: ResourceId::from_uuid(self.ids.new_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id,
            spec,
            shared_by: caller.user_id.clone(),
            shared_by_name: caller.name.clone(),
            shared_at: self.clock.now(),
            removed_at: None,
            removed_by: None,
        };
        match self.resources.share_resource(&resource).await? {
            ShareOutcome::Shared(resource) => Ok(*resource),
            ShareOutcome::ClassNotFound => Err(ResourceError::ClassNotFound),
            ShareOutcome::ClassFinished => Err(ResourceError::ClassFinished),
        }
    }

    async fn remove(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: ResourceId,
    ) -> Result<Resource, ResourceError> {
        let class = self.moderated(caller, class_id).await?;
        self.resources
            .remove_resource(
                &class.tenant_id,
                class_id,
                id,
                &caller.user_id,
                self.clock.now(),
            )
            .await?
            .ok_or(ResourceError::ResourceNotFound)
    }

    async fn list(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<Vec<Resource>, ResourceError> {
        let class = self.class(caller, class_id).await?;
        if !is_moderator(caller, &class)
            && !self
                .messages
                .has_participated(&class.tenant_id, class_id, &caller.user_id)
                .await?
        {
            return Err(ResourceError::NotAdmitted);
        }
        Ok(self
            .resources
            .list_resources(&class.tenant_id, class_id)
            .await?)
    }
}
