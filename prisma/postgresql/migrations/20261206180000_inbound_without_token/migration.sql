-- Inbound events are stored without their token (the verification token that proved where an event came from, or
-- a card's update token): remove it from the events stored before. The payloads are compact JSON as JSON.stringify
-- wrote them, with the token a string at the top level; the text is edited rather than cast to jsonb, which refuses
-- some texts JSON allows (a lone surrogate's escape).
UPDATE "InboundEvent"
SET "payload" = regexp_replace(
  regexp_replace("payload", ',"token":"[^"\\]*"', '', 'g'),
  '^\{"token":"[^"\\]*",?', '{'
)
WHERE "payload" LIKE '%"token":"%';
