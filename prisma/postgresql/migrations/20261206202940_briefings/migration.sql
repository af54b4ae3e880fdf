-- CreateTable
CREATE TABLE "Briefing" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "cadence" TEXT NOT NULL,
    "periodFrom" TIMESTAMP(3) NOT NULL,
    "periodTo" TIMESTAMP(3) NOT NULL,
    "number" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Briefing_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Briefing_unitId_cadence_periodFrom_key" ON "Briefing"("unitId", "cadence", "periodFrom");

-- CreateIndex
CREATE UNIQUE INDEX "Briefing_unitId_number_key" ON "Briefing"("unitId", "number");

-- AddForeignKey
ALTER TABLE "Briefing" ADD CONSTRAINT "Briefing_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

