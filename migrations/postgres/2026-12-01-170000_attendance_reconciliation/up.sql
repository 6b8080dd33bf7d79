-- Attendance reconciliation (crates/liveclass-domain/src/attendance/reconcile.rs).
--
-- Ending a class adds its row here ('pending', due at the end) in the same
-- transaction; the worker claims due rows (moving `due_at` forward as its
-- lease), fetches the video provider's own participant report, merges it
-- into `provider_sessions` and makes the row 'final', appending
-- `attendance.finalized` in the same transaction. A failed fetch counts an
-- attempt and is due again after a backoff. Classes ended before this
-- migration have no row: their attendance stays provisional.
CREATE TABLE attendance_reconciliations (
    class_id        TEXT PRIMARY KEY NOT NULL,
    tenant_id       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'final')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at          TIMESTAMP,
    last_error      TEXT,
    -- 'fetched', 'unsupported' (the provider has no report) or
    -- 'unavailable' (it kept failing); set when final.
    provider_report TEXT CHECK (provider_report IN ('fetched', 'unsupported', 'unavailable')),
    provider_rows   INTEGER,
    finalized_at    TIMESTAMP,
    CHECK ((status = 'pending') = (due_at IS NOT NULL))
);
CREATE INDEX attendance_reconciliations_due ON attendance_reconciliations (due_at) WHERE due_at IS NOT NULL;
