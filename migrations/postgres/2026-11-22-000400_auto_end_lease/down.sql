ALTER TABLE live_classes DROP COLUMN auto_end_claimed_until;
