-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "communityId" INTEGER,
ADD COLUMN     "streetId" INTEGER;

-- CreateIndex
CREATE INDEX "Issue_communityId_reportedAt_idx" ON "Issue"("communityId", "reportedAt");

-- CreateIndex
CREATE INDEX "Issue_streetId_reportedAt_idx" ON "Issue"("streetId", "reportedAt");

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_streetId_fkey" FOREIGN KEY ("streetId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Issues filed before: the community and the street their grid is under now.
UPDATE "Issue" SET
  "communityId" = (
    WITH RECURSIVE "up"("id", "level", "parentId") AS (
      SELECT "id", "level", "parentId" FROM "Unit" WHERE "id" = "Issue"."gridId"
      UNION ALL SELECT "u"."id", "u"."level", "u"."parentId" FROM "Unit" "u" JOIN "up" ON "u"."id" = "up"."parentId"
    )
    SELECT "id" FROM "up" WHERE "level" = 'community' LIMIT 1
  ),
  "streetId" = (
    WITH RECURSIVE "up"("id", "level", "parentId") AS (
      SELECT "id", "level", "parentId" FROM "Unit" WHERE "id" = "Issue"."gridId"
      UNION ALL SELECT "u"."id", "u"."level", "u"."parentId" FROM "Unit" "u" JOIN "up" ON "u"."id" = "up"."parentId"
    )
    SELECT "id" FROM "up" WHERE "level" = 'street' LIMIT 1
  )
WHERE "gridId" IS NOT NULL;
