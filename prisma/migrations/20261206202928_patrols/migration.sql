-- CreateTable
CREATE TABLE "PatrolPlan" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pointId" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "personId" INTEGER,
    "unitId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PatrolPlan_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PatrolPlan_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PatrolPlan_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatrolVisit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pointId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "result" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "photoLat" REAL,
    "photoLong" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PatrolVisit_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PatrolVisit_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatrolPhoto" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "visitId" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "sourceMessageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PatrolPhoto_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "PatrolVisit" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Issue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" INTEGER NOT NULL,
    "categoryId" INTEGER,
    "gridId" INTEGER,
    "communityId" INTEGER,
    "streetId" INTEGER,
    "pointId" INTEGER,
    "text" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "reporterId" INTEGER,
    "assigneePersonId" INTEGER,
    "assigneeUnitId" INTEGER,
    "deadline" DATETIME,
    "status" TEXT NOT NULL,
    "reportedAt" DATETIME NOT NULL,
    "assignedAt" DATETIME,
    "acceptedAt" DATETIME,
    "rectifiedAt" DATETIME,
    "rectifiedById" INTEGER,
    "closedAt" DATETIME,
    "rejectedAt" DATETIME,
    "rejectReason" TEXT,
    "sourceChatId" TEXT,
    "sourceMessageId" TEXT,
    "apiKeyId" INTEGER,
    "externalSource" TEXT,
    "externalId" TEXT,
    "lat" REAL,
    "long" REAL,
    "cardMessageId" TEXT,
    "duplicateOfId" INTEGER,
    "suspectedDuplicateOfId" INTEGER,
    "reboundOfId" INTEGER,
    "extensionCount" INTEGER NOT NULL DEFAULT 0,
    "extensionRequestedUntil" DATETIME,
    "extensionReason" TEXT,
    "parkKind" TEXT,
    "parkedAt" DATETIME,
    "parkedUntil" DATETIME,
    "parkPlan" TEXT,
    "patrolVisitId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Issue_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_streetId_fkey" FOREIGN KEY ("streetId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_reporterId_fkey" FOREIGN KEY ("reporterId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_assigneePersonId_fkey" FOREIGN KEY ("assigneePersonId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_assigneeUnitId_fkey" FOREIGN KEY ("assigneeUnitId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_rectifiedById_fkey" FOREIGN KEY ("rectifiedById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Issue" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_reboundOfId_fkey" FOREIGN KEY ("reboundOfId") REFERENCES "Issue" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Issue_patrolVisitId_fkey" FOREIGN KEY ("patrolVisitId") REFERENCES "PatrolVisit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Issue" ("acceptedAt", "apiKeyId", "assignedAt", "assigneePersonId", "assigneeUnitId", "cardMessageId", "categoryId", "closedAt", "communityId", "createdAt", "deadline", "duplicateOfId", "externalId", "externalSource", "gridId", "id", "lat", "long", "number", "pointId", "reboundOfId", "rectifiedAt", "rectifiedById", "rejectReason", "rejectedAt", "reportedAt", "reporterId", "sourceChatId", "sourceMessageId", "status", "streetId", "suspectedDuplicateOfId", "text", "updatedAt", "urgent", "extensionCount", "extensionRequestedUntil", "extensionReason", "parkKind", "parkedAt", "parkedUntil", "parkPlan") SELECT "acceptedAt", "apiKeyId", "assignedAt", "assigneePersonId", "assigneeUnitId", "cardMessageId", "categoryId", "closedAt", "communityId", "createdAt", "deadline", "duplicateOfId", "externalId", "externalSource", "gridId", "id", "lat", "long", "number", "pointId", "reboundOfId", "rectifiedAt", "rectifiedById", "rejectReason", "rejectedAt", "reportedAt", "reporterId", "sourceChatId", "sourceMessageId", "status", "streetId", "suspectedDuplicateOfId", "text", "updatedAt", "urgent", "extensionCount", "extensionRequestedUntil", "extensionReason", "parkKind", "parkedAt", "parkedUntil", "parkPlan" FROM "Issue";
DROP TABLE "Issue";
ALTER TABLE "new_Issue" RENAME TO "Issue";
CREATE UNIQUE INDEX "Issue_number_key" ON "Issue"("number");
CREATE UNIQUE INDEX "Issue_sourceMessageId_key" ON "Issue"("sourceMessageId");
CREATE INDEX "Issue_status_deadline_idx" ON "Issue"("status", "deadline");
CREATE INDEX "Issue_status_gridId_assigneeUnitId_closedAt_idx" ON "Issue"("status", "gridId", "assigneeUnitId", "closedAt");
CREATE INDEX "Issue_rectifiedAt_idx" ON "Issue"("rectifiedAt");
CREATE INDEX "Issue_acceptedAt_idx" ON "Issue"("acceptedAt");
CREATE INDEX "Issue_gridId_reportedAt_idx" ON "Issue"("gridId", "reportedAt");
CREATE INDEX "Issue_communityId_reportedAt_idx" ON "Issue"("communityId", "reportedAt");
CREATE INDEX "Issue_streetId_reportedAt_idx" ON "Issue"("streetId", "reportedAt");
CREATE INDEX "Issue_categoryId_pointId_idx" ON "Issue"("categoryId", "pointId");
CREATE INDEX "Issue_reportedAt_idx" ON "Issue"("reportedAt");
CREATE INDEX "Issue_closedAt_idx" ON "Issue"("closedAt");
CREATE INDEX "Issue_assigneePersonId_status_idx" ON "Issue"("assigneePersonId", "status");
CREATE INDEX "Issue_reboundOfId_idx" ON "Issue"("reboundOfId");
CREATE INDEX "Issue_updatedAt_idx" ON "Issue"("updatedAt");
CREATE INDEX "Issue_parkedUntil_idx" ON "Issue"("parkedUntil");
CREATE INDEX "Issue_patrolVisitId_idx" ON "Issue"("patrolVisitId");
CREATE UNIQUE INDEX "Issue_apiKeyId_externalId_key" ON "Issue"("apiKeyId", "externalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PatrolPlan_pointId_idx" ON "PatrolPlan"("pointId");

-- CreateIndex
CREATE INDEX "PatrolPlan_personId_idx" ON "PatrolPlan"("personId");

-- CreateIndex
CREATE INDEX "PatrolPlan_unitId_idx" ON "PatrolPlan"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "PatrolVisit_sourceMessageId_key" ON "PatrolVisit"("sourceMessageId");

-- CreateIndex
CREATE INDEX "PatrolVisit_pointId_at_idx" ON "PatrolVisit"("pointId", "at");

-- CreateIndex
CREATE INDEX "PatrolVisit_personId_at_idx" ON "PatrolVisit"("personId", "at");

-- CreateIndex
CREATE INDEX "PatrolVisit_at_idx" ON "PatrolVisit"("at");

-- CreateIndex
CREATE UNIQUE INDEX "PatrolPhoto_visitId_sha256_key" ON "PatrolPhoto"("visitId", "sha256");

