-- CreateIndex
CREATE INDEX "Issue_status_gridId_assigneeUnitId_closedAt_idx" ON "Issue"("status", "gridId", "assigneeUnitId", "closedAt");

-- CreateIndex
CREATE INDEX "Issue_rectifiedAt_idx" ON "Issue"("rectifiedAt");

