-- Recordings; see the PostgreSQL migration of the same name.
CREATE TABLE recordings (
    id                    TEXT PRIMARY KEY NOT NULL,
    tenant_id             TEXT NOT NULL,
    class_id              TEXT NOT NULL REFERENCES live_classes (id),
    provider              TEXT NOT NULL,
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

CREATE TABLE recording_grants (
    recording_id TEXT NOT NULL REFERENCES recordings (id),
    tenant_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('view', 'download')),
    expires_at   TIMESTAMP,
    PRIMARY KEY (recording_id, user_id)
);

-- SQLite cannot alter a CHECK: rebuild video_cleanups with the new action
-- and the `recording_ref` column.
CREATE TABLE video_cleanups_new (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant_id      TEXT NOT NULL,
    class_id       TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('delete_room', 'end_meeting', 'delete_recording')),
    video_provider TEXT NOT NULL,
    video_room_ref TEXT NOT NULL,
    join_url       TEXT NOT NULL,
    host_url       TEXT,
    room_password  TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     TEXT,
    due_at         TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    recording_ref  TEXT
);
INSERT INTO video_cleanups_new (id, tenant_id, class_id, action, video_provider, video_room_ref,
    join_url, host_url, room_password, attempts, last_error, due_at, created_at)
SELECT id, tenant_id, class_id, action, video_provider, video_room_ref,
    join_url, host_url, room_password, attempts, last_error, due_at, created_at
FROM video_cleanups;
DROP TABLE video_cleanups;
ALTER TABLE video_cleanups_new RENAME TO video_cleanups;
CREATE INDEX video_cleanups_due_at ON video_cleanups (due_at);
