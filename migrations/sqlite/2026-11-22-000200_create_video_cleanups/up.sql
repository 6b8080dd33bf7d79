-- Video-provider clean-ups (delete a room, end a meeting) that failed and
-- are retried by a background task. A row is claimed by moving `due_at`
-- forward with a conditional UPDATE, so several processes can share the
-- table. No foreign key: a room whose class could not be stored is queued too.
CREATE TABLE video_cleanups (
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

CREATE INDEX video_cleanups_due_at ON video_cleanups (due_at);
