-- CreateIndex
CREATE INDEX "Issue_reboundOfId_idx" ON "Issue"("reboundOfId");
