-- Issue 18: the time limit is limitAmount in limitUnit (converted by 20261206202937_category_time_limits); the
-- hours and the working-days switch it replaced go.
-- AlterTable
ALTER TABLE "Category" DROP COLUMN "deadlineHours",
DROP COLUMN "workingDays";

