-- Issue 12, participant controls.
--
-- Co-hosts: the user ids a class's host (its creator) or a tenant manager
-- named co-hosts, as a JSON array of strings on the class row itself. Every
-- read of a class reads them with it, so deciding who moderates
-- (`is_moderator`) never costs a query of its own; a change rewrites the
-- array under the class row's lock (a handful of ids per class at most).
ALTER TABLE live_classes ADD COLUMN co_hosts TEXT NOT NULL DEFAULT '[]';

-- Per participation: what a moderator allows (microphone, camera), the
-- participant's raised hand (the instant it was raised; NULL when lowered)
-- and whether the provider reports a screen share. A rejoin is a new
-- participation and starts from these defaults.
ALTER TABLE participations ADD COLUMN mic_allowed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE participations ADD COLUMN camera_allowed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE participations ADD COLUMN hand_raised_at TIMESTAMP;
ALTER TABLE participations ADD COLUMN screen_sharing BOOLEAN NOT NULL DEFAULT FALSE;

-- `GET …/hands`: the raised hands of a class in order of raising.
CREATE INDEX participations_raised_hands ON participations (class_id, hand_raised_at)
    WHERE hand_raised_at IS NOT NULL AND left_at IS NULL;
