-- A tenant's own attendance grace periods (crates/liveclass-domain/src/attendance/settings.rs),
-- set by its organisation admins; without a row the server's apply.
CREATE TABLE tenant_attendance_settings (
    tenant_id          TEXT PRIMARY KEY NOT NULL,
    late_after_minutes INTEGER NOT NULL CHECK (late_after_minutes BETWEEN 0 AND 1440),
    left_early_minutes INTEGER NOT NULL CHECK (left_early_minutes BETWEEN 0 AND 1440),
    updated_at         TIMESTAMP NOT NULL,
    updated_by         TEXT NOT NULL
);
