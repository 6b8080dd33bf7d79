-- Issue 12, participant controls (see the PostgreSQL migration of the same
-- name for the reasons).
ALTER TABLE live_classes ADD COLUMN co_hosts TEXT NOT NULL DEFAULT '[]';

ALTER TABLE participations ADD COLUMN mic_allowed BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE participations ADD COLUMN camera_allowed BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE participations ADD COLUMN hand_raised_at TIMESTAMP;
ALTER TABLE participations ADD COLUMN screen_sharing BOOLEAN NOT NULL DEFAULT 0;

CREATE INDEX participations_raised_hands ON participations (class_id, hand_raised_at)
    WHERE hand_raised_at IS NOT NULL AND left_at IS NULL;
