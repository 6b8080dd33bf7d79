-- Idempotency-Key of creating requests: one row per (tenant, user, key).
-- The insert that claims a key is atomic on this primary key, so of two
-- concurrent requests with one key (in any process) exactly one runs.
-- response_status is NULL while the first request runs; its 2xx answer is
-- kept for replay until the row is pruned (24 h after created_at).
CREATE TABLE idempotency_keys (
    tenant_id        TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    -- SHA-256 (hex) of the request's method, path and body.
    request_hash     TEXT NOT NULL,
    response_status  INTEGER,
    response_body    TEXT,
    response_location TEXT,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, user_id, idempotency_key)
);
-- The pruning worker.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
