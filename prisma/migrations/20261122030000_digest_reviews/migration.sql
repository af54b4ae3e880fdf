-- CreateTable
CREATE TABLE "DigestReview" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "targetUnitId" INTEGER,
    "chatId" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "DigestReview_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DigestReview_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestReview_eventId_key" ON "DigestReview"("eventId");

-- CreateIndex
CREATE INDEX "DigestReview_unitId_date_idx" ON "DigestReview"("unitId", "date");

