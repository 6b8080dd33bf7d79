ALTER TABLE live_classes ADD COLUMN active_count INTEGER NOT NULL DEFAULT 0
    CHECK (active_count >= 0 AND active_count <= max_participants);
ALTER TABLE live_classes ADD COLUMN participant_count INTEGER NOT NULL DEFAULT 0 CHECK (participant_count >= 0);
UPDATE live_classes SET
    active_count = (SELECT count(*) FROM participations p WHERE p.class_id = live_classes.id AND p.left_at IS NULL),
    participant_count = (SELECT count(DISTINCT user_id) FROM participations p WHERE p.class_id = live_classes.id);
CREATE TABLE participations_old (
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
INSERT INTO participations_old SELECT id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at FROM participations;
DROP TABLE participations;
ALTER TABLE participations_old RENAME TO participations;
CREATE UNIQUE INDEX participations_one_active_per_user ON participations (class_id, user_id) WHERE left_at IS NULL;
CREATE INDEX participations_class_joined ON participations (class_id, joined_at);
CREATE INDEX participations_class_user ON participations (class_id, user_id);
DROP TABLE class_seats;
