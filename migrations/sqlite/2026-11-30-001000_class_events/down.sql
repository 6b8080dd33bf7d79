DROP TABLE class_event_heads;
DROP TABLE class_events;
