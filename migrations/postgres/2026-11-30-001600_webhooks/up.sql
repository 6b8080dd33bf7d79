-- Webhooks to the platform (crates/liveclass-domain/src/webhooks).
--
-- Endpoints per tenant. `event_types` is '' for every type, else ',a,b,'
-- (the outbox trigger matches ',type,'). Secrets are sealed with an AEAD key
-- (`secret_key_id` names it); the previous secret keeps signing until
-- `previous_secret_expires_at` after a rotation.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL,
    secret_key_id TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    previous_secret_key_id TEXT,
    previous_secret_sealed TEXT,
    previous_secret_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at);
-- What the outbox trigger reads on every event: one index probe, nothing
-- when the tenant has no enabled endpoint.
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (tenant_id) WHERE enabled;

-- The outbox: one row per (endpoint, event), written with the event. No
-- foreign keys: a key check would lock the endpoint row on every join of
-- the tenant; deleting an endpoint deletes its rows, and the delivery job
-- drops rows whose endpoint is gone.
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_latency_ms BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id) WHERE status = 'pending';

CREATE FUNCTION liveclass_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at, created_at)
    SELECT NEW.tenant_id, w.id, NEW.id, NEW.event_type, 'pending', NEW.occurred_at, NEW.occurred_at
    FROM webhook_endpoints w
    WHERE w.tenant_id = NEW.tenant_id AND w.enabled
      AND (w.event_types = '' OR strpos(w.event_types, ',' || NEW.event_type || ',') > 0);
    RETURN NULL;
END
$$;
CREATE TRIGGER class_events_webhook_outbox AFTER INSERT ON class_events
    FOR EACH ROW EXECUTE FUNCTION liveclass_webhook_outbox();
