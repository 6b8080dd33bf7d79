DROP TABLE video_cleanups;
