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

-- The issue a patrol visit found links to it. Added in place (SQLite allows a nullable column with a foreign key),
-- not by rebuilding the Issue table, so the columns other migrations of the same day add to Issue are kept.
ALTER TABLE "Issue" ADD COLUMN "patrolVisitId" INTEGER REFERENCES "PatrolVisit" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "Issue_patrolVisitId_idx" ON "Issue"("patrolVisitId");

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

