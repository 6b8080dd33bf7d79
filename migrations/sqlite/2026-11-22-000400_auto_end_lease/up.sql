-- A pass of the auto-end worker claims the overdue classes it will end until
-- this instant, so several servers never end (or try to end) the same class.
ALTER TABLE live_classes ADD COLUMN auto_end_claimed_until TIMESTAMP;
