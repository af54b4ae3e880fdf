-- AlterTable
ALTER TABLE "DigestReview" ADD COLUMN     "messageId" TEXT;

-- CreateTable
CREATE TABLE "DigestReviewRead" (
    "id" SERIAL NOT NULL,
    "reviewId" INTEGER NOT NULL,
    "chatId" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestReviewRead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestReviewRead_reviewId_chatId_key" ON "DigestReviewRead"("reviewId", "chatId");

-- CreateIndex
CREATE INDEX "OutboxMessage_messageId_idx" ON "OutboxMessage"("messageId");

-- AddForeignKey
ALTER TABLE "DigestReviewRead" ADD CONSTRAINT "DigestReviewRead_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "DigestReview"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestReviewRead" ADD CONSTRAINT "DigestReviewRead_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

