-- A recording's files, as its provider reports them when it is ready
-- (Zoom's `recording_files`: one per view, audio track, transcript, chat).
-- Keyed by the provider's file id within the recording.
CREATE TABLE recording_files (
    recording_id     TEXT NOT NULL REFERENCES recordings (id),
    provider_file_id TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'transcript', 'chat', 'other')),
    recording_type   TEXT,
    format           TEXT,
    size_bytes       BIGINT CHECK (size_bytes >= 0),
    started_at       TIMESTAMP,
    ended_at         TIMESTAMP,
    PRIMARY KEY (recording_id, provider_file_id)
);
