-- DropIndex
DROP INDEX "Issue_status_gridId_assigneeUnitId_closedAt_idx";

-- CreateIndex
CREATE INDEX "Issue_status_gridId_assigneeUnitId_communityId_streetId_closedAt_idx" ON "Issue"("status", "gridId", "assigneeUnitId", "communityId", "streetId", "closedAt");

-- CreateIndex
CREATE INDEX "Issue_status_closedAt_idx" ON "Issue"("status", "closedAt");

