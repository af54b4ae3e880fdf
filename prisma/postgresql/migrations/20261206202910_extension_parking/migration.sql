-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "extensionCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "extensionReason" TEXT,
ADD COLUMN     "extensionRequestedUntil" TIMESTAMP(3),
ADD COLUMN     "parkKind" TEXT,
ADD COLUMN     "parkPlan" TEXT,
ADD COLUMN     "parkedAt" TIMESTAMP(3),
ADD COLUMN     "parkedUntil" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Issue_parkedUntil_idx" ON "Issue"("parkedUntil");

