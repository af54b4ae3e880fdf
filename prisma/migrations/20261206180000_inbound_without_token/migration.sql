-- Inbound events are stored without their token (the verification token that proved where an event came from, or
-- a card's update token): remove it from the events stored before.
UPDATE "InboundEvent"
SET "payload" = json_remove("payload", '$.token')
WHERE CASE WHEN json_valid("payload") THEN json_type("payload", '$.token') IS NOT NULL ELSE 0 END;
