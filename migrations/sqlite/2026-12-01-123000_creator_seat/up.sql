-- Issue 12, seed 004: the creator's seat. Seat 1 of a live class is held
-- for its creator; on SQLite the admission is Rust code (admit_sqlite), so
-- nothing in the schema changes. The migration exists so both backends
-- have the same list.
SELECT 1;
