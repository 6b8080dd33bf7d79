DROP TRIGGER class_events_webhook_outbox ON class_events;
DROP FUNCTION liveclass_webhook_outbox();
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
