DROP TABLE question_votes;
ALTER TABLE class_messages DROP COLUMN upvotes;
ALTER TABLE class_messages DROP COLUMN question_status;
ALTER TABLE class_messages DROP COLUMN anonymous;
