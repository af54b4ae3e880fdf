-- CreateIndex
CREATE INDEX "OutboxMessage_messageId_idx" ON "OutboxMessage"("messageId");
