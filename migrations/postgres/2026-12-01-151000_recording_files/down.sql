DROP TABLE recording_files;
