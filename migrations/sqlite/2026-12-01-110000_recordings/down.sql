CREATE TABLE video_cleanups_old (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant_id      TEXT NOT NULL,
    class_id       TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('delete_room', 'end_meeting')),
    video_provider TEXT NOT NULL,
    video_room_ref TEXT NOT NULL,
    join_url       TEXT NOT NULL,
    host_url       TEXT,
    room_password  TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     TEXT,
    due_at         TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
INSERT INTO video_cleanups_old (id, tenant_id, class_id, action, video_provider, video_room_ref,
    join_url, host_url, room_password, attempts, last_error, due_at, created_at)
SELECT id, tenant_id, class_id, action, video_provider, video_room_ref,
    join_url, host_url, room_password, attempts, last_error, due_at, created_at
FROM video_cleanups WHERE action <> 'delete_recording';
DROP TABLE video_cleanups;
ALTER TABLE video_cleanups_old RENAME TO video_cleanups;
CREATE INDEX video_cleanups_due_at ON video_cleanups (due_at);
DROP TABLE recording_grants;
DROP TABLE recordings;
