-- Webhooks the video providers send (crates/liveclass-domain/src/provider_events).
--
-- `provider_events` is the inbox: every verified delivery is stored here
-- before it is answered, once per (provider, external_id) — Daily's envelope
-- `id`, for Zoom a hash of the event (see the HTTP adapter) — so a replayed
-- delivery is handled once. The worker claims rows whose `due_at` has come
-- (`status` 'received'); a handled row has no `due_at`. `tenant_id` and
-- `class_id` are set once the delivery maps to a class: a delivery arrives
-- before anyone knows whose it is, so they may stay NULL.
CREATE TABLE provider_events (
    id           TEXT PRIMARY KEY NOT NULL,
    provider     TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('received', 'processed', 'ignored', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   TEXT,
    due_at       TIMESTAMP,
    processed_at TIMESTAMP,
    tenant_id    TEXT,
    class_id     TEXT,
    UNIQUE (provider, external_id),
    CHECK ((status = 'received') = (due_at IS NOT NULL))
);
CREATE INDEX provider_events_due ON provider_events (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX provider_events_tenant ON provider_events (tenant_id, received_at) WHERE tenant_id IS NOT NULL;

-- A delivery names the provider's room: find its class by it.
CREATE INDEX live_classes_video_room ON live_classes (video_room_ref, video_provider);

-- One participant's presence in a class's provider meeting, per provider
-- session key (Daily's `session_id`, Zoom's participant id): the earliest
-- join and the latest leave seen under it, in whatever order they came.
-- `user_id` is the LiveClass user, when the provider echoed their key.
CREATE TABLE provider_sessions (
    class_id    TEXT NOT NULL,
    provider    TEXT NOT NULL,
    session_key TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT,
    user_name   TEXT,
    joined_at   TIMESTAMP,
    left_at     TIMESTAMP,
    PRIMARY KEY (class_id, provider, session_key)
);
