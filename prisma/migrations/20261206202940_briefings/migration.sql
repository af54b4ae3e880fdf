-- CreateTable
CREATE TABLE "Briefing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "cadence" TEXT NOT NULL,
    "periodFrom" DATETIME NOT NULL,
    "periodTo" DATETIME NOT NULL,
    "number" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Briefing_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Briefing_unitId_cadence_periodFrom_key" ON "Briefing"("unitId", "cadence", "periodFrom");

-- CreateIndex
CREATE UNIQUE INDEX "Briefing_unitId_number_key" ON "Briefing"("unitId", "number");

