-- CreateTable
CREATE TABLE "PendingPhoto" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chatId" TEXT NOT NULL,
    "senderOpenId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "PendingPhoto_chatId_senderOpenId_sentAt_idx" ON "PendingPhoto"("chatId", "senderOpenId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "PendingPhoto_messageId_sha256_key" ON "PendingPhoto"("messageId", "sha256");

