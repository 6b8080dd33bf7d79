-- A tenant's own video-provider accounts; see the PostgreSQL migration of the same name.
CREATE TABLE provider_accounts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('zoom', 'daily', 'jitsi')),
    label TEXT NOT NULL DEFAULT '',
    zoom_account_id TEXT,
    zoom_client_id TEXT,
    app_id TEXT,
    domain TEXT,
    secret_key_id TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    secret_hint TEXT,
    webhook_secret_key_id TEXT,
    webhook_secret_sealed TEXT,
    webhook_secret_hint TEXT,
    active BOOLEAN NOT NULL,
    last_success_at TIMESTAMP,
    last_error TEXT,
    last_error_at TIMESTAMP,
    last_token_renewal_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX provider_accounts_tenant ON provider_accounts (tenant_id, created_at);
-- At most one active account per tenant and kind: the one classes of that
-- provider are created on. Concurrent activations: the second is refused.
CREATE UNIQUE INDEX provider_accounts_one_active ON provider_accounts (tenant_id, kind) WHERE active;
