DROP TABLE class_message_heads;
DROP TABLE class_messages;
