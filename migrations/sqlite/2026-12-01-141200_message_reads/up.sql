-- Unread counts (crates/liveclass-domain/src/interaction/reads.rs): per
-- user and class, the last chat position they have read. It only moves
-- forward (the update is conditional on a larger position). A class's
-- unread count for a user is the number of its undeleted messages by
-- others with a larger position (index `class_messages_position`).
CREATE TABLE class_message_reads (
    class_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    last_position BIGINT NOT NULL CHECK (last_position >= 0),
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
