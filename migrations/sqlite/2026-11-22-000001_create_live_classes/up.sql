-- Live classes and participations (seed 000).
-- Ids are UUIDs stored as text and instants are UTC TIMESTAMPs, the subset
-- both backends share, so one Diesel schema serves PostgreSQL and SQLite.

CREATE TABLE live_classes (
    id                TEXT PRIMARY KEY NOT NULL,
    tenant_id         TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT,
    room_id           TEXT NOT NULL UNIQUE,
    video_provider    TEXT NOT NULL,
    video_room_ref    TEXT NOT NULL,
    join_url          TEXT NOT NULL,
    host_url          TEXT,
    room_password     TEXT,
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended', 'cancelled')),
    scheduled_at      TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    ended_at          TIMESTAMP,
    max_participants  INTEGER NOT NULL CHECK (max_participants >= 1),
    -- Kept in the same transaction as the participations they count. The
    -- CHECK is the last line of defence of the capacity rule.
    active_count      INTEGER NOT NULL DEFAULT 0
                      CHECK (active_count >= 0 AND active_count <= max_participants),
    participant_count INTEGER NOT NULL DEFAULT 0 CHECK (participant_count >= 0),
    recording_url     TEXT,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- GET /live-classes: tenant, optional status, ordered by scheduled_at.
CREATE INDEX live_classes_tenant_status_scheduled ON live_classes (tenant_id, status, scheduled_at, id);
CREATE INDEX live_classes_tenant_scheduled ON live_classes (tenant_id, scheduled_at, id);

CREATE TABLE participations (
    id          TEXT PRIMARY KEY NOT NULL,
    class_id    TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT,
    role        TEXT NOT NULL CHECK (role IN ('teacher', 'participant')),
    joined_at   TIMESTAMP NOT NULL,
    left_at     TIMESTAMP,
    CHECK (left_at IS NULL OR left_at >= joined_at)
);

-- At most one active participation per user and class, whatever the code does.
CREATE UNIQUE INDEX participations_one_active_per_user
    ON participations (class_id, user_id) WHERE left_at IS NULL;
-- Participant lists (all, and active only), in join order.
CREATE INDEX participations_class_joined ON participations (class_id, joined_at);
CREATE INDEX participations_class_user ON participations (class_id, user_id);
