-- Questions (crates/liveclass-domain/src/interaction): chat messages of kind
-- `question`, optionally anonymous (the author is kept for abuse handling
-- and never shown), with a status and an upvote count.
ALTER TABLE class_messages ADD COLUMN anonymous BOOLEAN NOT NULL DEFAULT FALSE;
-- `open`, `answered` or `dismissed` for a question; NULL for a chat message.
ALTER TABLE class_messages ADD COLUMN question_status TEXT;
-- The question's rows in `question_votes`, kept by the upvote's own write.
ALTER TABLE class_messages ADD COLUMN upvotes INTEGER NOT NULL DEFAULT 0;

-- One upvote per user and question: the primary key decides, not a read.
CREATE TABLE question_votes (
    question_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    voted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
