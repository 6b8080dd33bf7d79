-- Reactions (crates/liveclass-domain/src/interaction/reactions.rs): a fixed
-- set of emoji, stored by their stable name (`thumbs_up`, …).
--
-- `class_reactions` keeps each reaction (who, which, when: for engagement
-- and abuse handling); `class_reaction_counts` keeps the counts per class,
-- minute (Unix seconds / 60) and kind, updated in the posting transaction,
-- so the counts are read without scanning every reaction. A post first
-- bumps its class's `class_reaction_heads` row (an upsert held until
-- commit): the reactions of one class take turns, and the counts each
-- `reaction.posted` event carries are exact and grow in commit order.
CREATE TABLE class_reactions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    reacted_at TIMESTAMP NOT NULL
);
CREATE INDEX class_reactions_class ON class_reactions (tenant_id, class_id, user_id);

CREATE TABLE class_reaction_counts (
    class_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    minute BIGINT NOT NULL,
    kind TEXT NOT NULL,
    count BIGINT NOT NULL CHECK (count > 0),
    PRIMARY KEY (class_id, minute, kind)
);

-- Per class: how many reactions it has had.
CREATE TABLE class_reaction_heads (
    class_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    total BIGINT NOT NULL
);
