-- The class event log; see the PostgreSQL migration of the same name.
CREATE TABLE class_events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    seq BIGINT CHECK (seq > 0),
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX class_events_class_seq ON class_events (tenant_id, class_id, seq);
CREATE INDEX class_events_unsequenced ON class_events (position) WHERE seq IS NULL;
CREATE INDEX class_events_occurred_at ON class_events (occurred_at) WHERE seq IS NOT NULL;

CREATE TABLE class_event_heads (
    class_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    pruned_through BIGINT NOT NULL DEFAULT 0
);
