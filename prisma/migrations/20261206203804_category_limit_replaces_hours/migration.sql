-- Issue 18: the time limit is limitAmount in limitUnit (converted by 20261206202937_category_time_limits); the
-- hours and the working-days switch it replaced go. Columns are dropped in place: redefining the table would drop
-- its triggers, which revise the org.
ALTER TABLE "Category" DROP COLUMN "deadlineHours";
ALTER TABLE "Category" DROP COLUMN "workingDays";
