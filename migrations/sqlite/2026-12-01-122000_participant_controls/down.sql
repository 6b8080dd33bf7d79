DROP INDEX participations_raised_hands;
ALTER TABLE participations DROP COLUMN screen_sharing;
ALTER TABLE participations DROP COLUMN hand_raised_at;
ALTER TABLE participations DROP COLUMN camera_allowed;
ALTER TABLE participations DROP COLUMN mic_allowed;
ALTER TABLE live_classes DROP COLUMN co_hosts;
