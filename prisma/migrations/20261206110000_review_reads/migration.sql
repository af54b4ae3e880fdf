-- AlterTable
ALTER TABLE "DigestReview" ADD COLUMN "messageId" TEXT;

-- CreateTable
CREATE TABLE "DigestReviewRead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reviewId" INTEGER NOT NULL,
    "chatId" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "DigestReviewRead_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "DigestReview" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DigestReviewRead_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestReviewRead_reviewId_chatId_key" ON "DigestReviewRead"("reviewId", "chatId");
