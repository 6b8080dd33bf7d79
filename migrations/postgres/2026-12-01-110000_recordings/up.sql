-- Recordings as their own resource (issue 11). A class may have several;
-- at most one is running (`starting` or `recording`) at a time, which the
-- partial unique index enforces against concurrent starts. The seed-000
-- `live_classes.recording_url` stays where it is and is listed as an
-- `external` recording without a row here.
CREATE TABLE recordings (
    id                    TEXT PRIMARY KEY NOT NULL,
    tenant_id             TEXT NOT NULL,
    class_id              TEXT NOT NULL REFERENCES live_classes (id),
    provider              TEXT NOT NULL,
    -- The provider's id, once known (Daily reports it in its webhooks).
    provider_recording_id TEXT,
    status                TEXT NOT NULL CHECK (status IN
        ('starting', 'recording', 'processing', 'ready', 'failed', 'deleted')),
    visibility            TEXT NOT NULL DEFAULT 'participants' CHECK (visibility IN
        ('private', 'participants', 'tenant', 'public')),
    started_by            TEXT,
    started_at            TIMESTAMP,
    stopped_at            TIMESTAMP,
    duration_seconds      BIGINT CHECK (duration_seconds >= 0),
    failure               TEXT,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX recordings_class ON recordings (tenant_id, class_id, created_at);
CREATE UNIQUE INDEX recordings_one_running ON recordings (class_id)
    WHERE status IN ('starting', 'recording');
CREATE UNIQUE INDEX recordings_provider_id ON recordings (provider, provider_recording_id)
    WHERE provider_recording_id IS NOT NULL;

-- Per-user grants on a recording (seed 003's recording_access).
CREATE TABLE recording_grants (
    recording_id TEXT NOT NULL REFERENCES recordings (id),
    tenant_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('view', 'download')),
    expires_at   TIMESTAMP,
    PRIMARY KEY (recording_id, user_id)
);

-- Provider clean-ups may now delete a recording (`recording_ref`).
ALTER TABLE video_cleanups ADD COLUMN recording_ref TEXT;
ALTER TABLE video_cleanups DROP CONSTRAINT video_cleanups_action_check;
ALTER TABLE video_cleanups ADD CONSTRAINT video_cleanups_action_check
    CHECK (action IN ('delete_room', 'end_meeting', 'delete_recording'));
