-- In-class chat; see the PostgreSQL migration of the same name.
CREATE TABLE class_messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    position BIGINT NOT NULL CHECK (position > 0),
    -- `chat`; further seed-003 kinds may follow.
    kind TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT,
    -- Plain text, as posted; emptied when the message is deleted.
    body TEXT NOT NULL,
    posted_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    deleted_by TEXT
);
CREATE UNIQUE INDEX class_messages_position ON class_messages (tenant_id, class_id, position);

-- Per class: the last position given.
CREATE TABLE class_message_heads (
    class_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    last_position BIGINT NOT NULL
);
