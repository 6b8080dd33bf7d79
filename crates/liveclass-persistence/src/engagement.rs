//! [`DieselStore`] as the domain's [`EngagementRepository`]: per user, what
//! they did in a class, in five grouped queries on one connection whatever
//! the class's size (chat and questions, upvotes, poll ballots, reactions,
//! then the class's `hand.raised` events, whose `data.participant.userId`
//! says whose hand it was).

use std::collections::BTreeMap;

use async_trait::async_trait;
use diesel::dsl::count_star;
use diesel::prelude::*;
use liveclass_domain::attendance::{Engagement, EngagementRepository};
use liveclass_domain::events::EventType;
use liveclass_domain::ids::{ClassId, TenantId, UserId};
use liveclass_domain::interaction::MessageKind;
use liveclass_domain::store::RepoError;

use crate::schema::{
    class_events, class_messages, class_reactions, poll_ballots, polls, question_votes,
};
use crate::store::DieselStore;

/// A count as stored into the `u32` a report shows (saturating).
fn narrow(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[async_trait]
impl EngagementRepository for DieselStore {
    async fn engagement_of_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<(UserId, Engagement)>, RepoError> {
        let (tenant, class_id) = (tenant.as_str().to_owned(), class_id.to_string());
        self.run("count engagement", move |conn| {
            let mut by_user: BTreeMap<String, Engagement> = BTreeMap::new();
            let messages: Vec<(String, String, bool, i64)> = class_messages::table
                .filter(class_messages::tenant_id.eq(&tenant))
                .filter(class_messages::class_id.eq(&class_id))
                .filter(class_messages::deleted_at.is_null())
                .group_by((
                    class_messages::author_id,
                    class_messages::kind,
                    class_messages::anonymous,
                ))
                .select((
                    class_messages::author_id,
                    class_messages::kind,
                    class_messages::anonymous,
                    count_star(),
                ))
                .load(conn)?;
            for (user, kind, anonymous, n) in messages {
                let e = by_user.entry(user).or_default();
                if kind == MessageKind::Chat.as_str() {
                    e.messages += narrow(n);
                } else if kind == MessageKind::Question.as_str() && !anonymous {
                    // An anonymous question is nobody's (see `Engagement`).
                    e.questions += narrow(n);
                }
            }
            let upvotes: Vec<(String, i64)> = question_votes::table
                .filter(question_votes::tenant_id.eq(&tenant))
                .filter(question_votes::class_id.eq(&class_id))
                .group_by(question_votes::user_id)
                .select((question_votes::user_id, count_star()))
                .load(conn)?;
            for (user, n) in upvotes {
                by_user.entry(user).or_default().upvotes = narrow(n);
            }
            let class_polls = polls::table
                .filter(polls::tenant_id.eq(&tenant))
                .filter(polls::class_id.eq(&class_id))
                .select(polls::id);
            let ballots: Vec<(String, i64)> = poll_ballots::table
                .filter(poll_ballots::poll_id.eq_any(class_polls))
                .group_by(poll_ballots::user_id)
                .select((poll_ballots::user_id, count_star()))
                .load(conn)?;
            for (user, n) in ballots {
                by_user.entry(user).or_default().poll_votes = narrow(n);
            }
            let reactions: Vec<(String, i64)> = class_reactions::table
                .filter(class_reactions::tenant_id.eq(&tenant))
                .filter(class_reactions::class_id.eq(&class_id))
                .group_by(class_reactions::user_id)
                .select((class_reactions::user_id, count_star()))
                .load(conn)?;
            for (user, n) in reactions {
                by_user.entry(user).or_default().reactions = narrow(n);
            }
            let raises: Vec<String> = class_events::table
                .filter(class_events::tenant_id.eq(&tenant))
                .filter(class_events::class_id.eq(&class_id))
                .filter(class_events::event_type.eq(EventType::HandRaised.as_str()))
                .select(class_events::data)
                .load(conn)?;
            for data in raises {
                let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                if let Some(user) = data["participant"]["userId"].as_str() {
                    by_user.entry(user.to_owned()).or_default().hand_raises += 1;
                }
            }
            Ok(by_user
                .into_iter()
                .filter_map(|(user, e)| UserId::parse(&user).ok().map(|u| (u, e)))
                .collect())
        })
        .await
    }
}
