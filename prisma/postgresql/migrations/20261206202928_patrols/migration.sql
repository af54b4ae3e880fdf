-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "patrolVisitId" INTEGER;

-- CreateTable
CREATE TABLE "PatrolPlan" (
    "id" SERIAL NOT NULL,
    "pointId" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "personId" INTEGER,
    "unitId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PatrolPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatrolVisit" (
    "id" SERIAL NOT NULL,
    "pointId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "result" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "photoLat" DOUBLE PRECISION,
    "photoLong" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PatrolVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatrolPhoto" (
    "id" SERIAL NOT NULL,
    "visitId" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "sourceMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PatrolPhoto_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Issue_patrolVisitId_idx" ON "Issue"("patrolVisitId");

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_patrolVisitId_fkey" FOREIGN KEY ("patrolVisitId") REFERENCES "PatrolVisit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolPlan" ADD CONSTRAINT "PatrolPlan_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolPlan" ADD CONSTRAINT "PatrolPlan_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolPlan" ADD CONSTRAINT "PatrolPlan_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolVisit" ADD CONSTRAINT "PatrolVisit_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolVisit" ADD CONSTRAINT "PatrolVisit_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolPhoto" ADD CONSTRAINT "PatrolPhoto_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "PatrolVisit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

