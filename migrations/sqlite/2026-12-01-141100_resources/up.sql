-- Shared resources (crates/liveclass-domain/src/interaction/resources.rs):
-- seed 003's `live_class_resources`. Moderators share slides, documents,
-- links and videos (an `https` URL) and remove them; a removed resource
-- keeps its row (`removed_at`, `removed_by`) and is no longer listed.
CREATE TABLE class_resources (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    -- `slides`, `document`, `link` or `video`.
    kind TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_by_name TEXT,
    shared_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    removed_by TEXT
);
CREATE INDEX class_resources_class ON class_resources (tenant_id, class_id, shared_at);
