-- CreateTable
CREATE TABLE "UnboundChat" (
    "chatId" TEXT NOT NULL PRIMARY KEY,
    "digestTime" TEXT NOT NULL,
    "settings" JSONB NOT NULL
);

