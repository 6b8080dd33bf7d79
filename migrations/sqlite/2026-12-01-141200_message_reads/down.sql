DROP TABLE class_message_reads;
