-- CreateTable
CREATE TABLE "PaceCall" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PacePause" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "until" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "PaceCall_key_at_idx" ON "PaceCall"("key", "at");

