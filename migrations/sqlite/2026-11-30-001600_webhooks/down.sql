DROP TRIGGER class_events_webhook_outbox;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
