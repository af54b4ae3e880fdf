-- AlterTable
ALTER TABLE "Person" ADD COLUMN "larkStatus" TEXT;
ALTER TABLE "Person" ADD COLUMN "larkCheckedAt" DATETIME;
