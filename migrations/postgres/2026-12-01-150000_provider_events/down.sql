DROP TABLE provider_sessions;
DROP INDEX live_classes_video_room;
DROP TABLE provider_events;
