-- CreateTable
CREATE TABLE "UnboundChat" (
    "chatId" TEXT NOT NULL,
    "digestTime" TEXT NOT NULL,
    "settings" JSONB NOT NULL,

    CONSTRAINT "UnboundChat_pkey" PRIMARY KEY ("chatId")
);

