-- A tenant's own video-provider accounts (crates/liveclass-domain/src/provider_accounts).
--
-- What is not secret is kept in plain columns by kind (zoom: zoom_account_id,
-- zoom_client_id; daily: domain; jitsi: app_id, domain). Each kind's one
-- credential secret, and the optional webhook secret, are sealed with an
-- AEAD key (ChaCha20-Poly1305; `*_key_id` names the key, for rotation) bound
-- to the row's id and the field; `*_sealed` is base64(nonce || ciphertext).
-- Only a hint (the last four characters of a long secret) is kept in clear.
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
