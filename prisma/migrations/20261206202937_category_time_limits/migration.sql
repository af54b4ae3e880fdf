-- Issue 18: a category's time limit in a unit (自然时/工作时/工作日/自然日), a street's own limit, 部件/事件 and the
-- standard 大类/小类 names.
-- CreateTable
CREATE TABLE "StreetCategoryLimit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "streetId" INTEGER NOT NULL,
    "categoryId" INTEGER NOT NULL,
    "limitAmount" REAL NOT NULL,
    "limitUnit" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "StreetCategoryLimit_streetId_fkey" FOREIGN KEY ("streetId") REFERENCES "Unit" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "StreetCategoryLimit_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (columns added in place: redefining the table would drop its triggers, which revise the org)
ALTER TABLE "Category" ADD COLUMN "limitAmount" REAL NOT NULL DEFAULT 24;
ALTER TABLE "Category" ADD COLUMN "limitUnit" TEXT NOT NULL DEFAULT 'natural_hours';
ALTER TABLE "Category" ADD COLUMN "objectType" TEXT NOT NULL DEFAULT 'event';
ALTER TABLE "Category" ADD COLUMN "standardMajor" TEXT;
ALTER TABLE "Category" ADD COLUMN "standardMinor" TEXT;

-- CreateIndex
CREATE INDEX "StreetCategoryLimit_categoryId_idx" ON "StreetCategoryLimit"("categoryId");

-- CreateIndex
CREATE UNIQUE INDEX "StreetCategoryLimit_streetId_categoryId_key" ON "StreetCategoryLimit"("streetId", "categoryId");

-- A street's own limits are part of the org (src/db/org-queries.ts): changing them revises it.
CREATE TRIGGER "StreetCategoryLimit_insert_revises_org" AFTER INSERT ON "StreetCategoryLimit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "StreetCategoryLimit_update_revises_org" AFTER UPDATE ON "StreetCategoryLimit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "StreetCategoryLimit_delete_revises_org" AFTER DELETE ON "StreetCategoryLimit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

-- The time limit becomes an amount in a unit. A limit on working days counted whole days on working days: it becomes
-- that many 工作日 (a fraction where the hours were not whole days). Other limits become 自然日 where they are whole
-- days, and 自然时 otherwise.
UPDATE "Category" SET
  "limitUnit" = CASE
    WHEN "workingDays" THEN 'work_days'
    WHEN "deadlineHours" % 24 = 0 THEN 'natural_days'
    ELSE 'natural_hours'
  END,
  "limitAmount" = CASE
    WHEN "workingDays" OR "deadlineHours" % 24 = 0 THEN "deadlineHours" / 24.0
    ELSE "deadlineHours"
  END;

-- The shipped catalogue's 部件 (things) and its standard 大类/小类 names (GB/T 30428.2), for the categories already
-- loaded from it; every other category stays an 事件.
UPDATE "Category" SET "objectType" = 'component'
WHERE "code" IN (
  'public-toilet', 'missing-manhole-cover', 'bulletin-board', 'public-service-ads', 'practice-station',
  'fire-facilities', 'shop-signs', 'facility-damage', 'greenery-damage'
);
UPDATE "Category" SET "standardMajor" = '市容环境', "standardMinor" = '乱堆物堆料' WHERE "code" = 'piled-materials';
UPDATE "Category" SET "standardMajor" = '街面秩序' WHERE "code" = 'illegal-parking';
UPDATE "Category" SET "standardMajor" = '市容环境', "standardMinor" = '暴露垃圾' WHERE "code" = 'litter';
UPDATE "Category" SET "standardMajor" = '宣传广告', "standardMinor" = '非法小广告' WHERE "code" = 'flyers';
UPDATE "Category" SET "standardMajor" = '街面秩序', "standardMinor" = '无照经营游商' WHERE "code" = 'street-vending';
UPDATE "Category" SET "standardMajor" = '街面秩序', "standardMinor" = '店外经营' WHERE "code" = 'shop-overflow';
UPDATE "Category" SET "standardMajor" = '市容环境', "standardMinor" = '公共厕所' WHERE "code" = 'public-toilet';
UPDATE "Category" SET "standardMajor" = '公用设施' WHERE "code" = 'missing-manhole-cover';
UPDATE "Category" SET "standardMajor" = '市容环境', "standardMinor" = '广告牌匾' WHERE "code" IN ('public-service-ads', 'shop-signs');
UPDATE "Category" SET "standardMajor" = '公用设施' WHERE "code" = 'fire-facilities';
UPDATE "Category" SET "standardMajor" = '园林绿化', "standardMinor" = '绿地' WHERE "code" = 'greenery-damage';
UPDATE "Category" SET "standardMajor" = '市容环境', "standardMinor" = '私搭乱建' WHERE "code" = 'illegal-building';
