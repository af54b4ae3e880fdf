-- CreateIndex
CREATE INDEX "Issue_acceptedAt_idx" ON "Issue"("acceptedAt");

