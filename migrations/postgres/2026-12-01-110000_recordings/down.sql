DELETE FROM video_cleanups WHERE action = 'delete_recording';
ALTER TABLE video_cleanups DROP CONSTRAINT video_cleanups_action_check;
ALTER TABLE video_cleanups ADD CONSTRAINT video_cleanups_action_check
    CHECK (action IN ('delete_room', 'end_meeting'));
ALTER TABLE video_cleanups DROP COLUMN recording_ref;
DROP TABLE recording_grants;
DROP TABLE recordings;
