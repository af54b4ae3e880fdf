-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "nextLookbackAt" TIMESTAMP(3),
ADD COLUMN     "nextReminderAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Issue_nextReminderAt_idx" ON "Issue"("nextReminderAt");

-- CreateIndex
CREATE INDEX "Issue_nextLookbackAt_idx" ON "Issue"("nextLookbackAt");


-- Every change of what decides an issue's reminders or its 回头看 puts it before the sweeps again: the next sweep
-- reads it (nextReminderAt / nextLookbackAt at or before now) and sets the exact time (src/jobs/sweep-index.ts).
-- nextReminderAt becomes the epoch (before any sweep); nextLookbackAt the close (a look-back is never due before it,
-- and the sweep does not read one closed too long ago to be due).
-- Only open issues (REMINDED_STATUSES in src/domain/lifecycle.ts) have reminders, only closed ones a 回头看.
-- Existing issues are looked at by the first sweep after the upgrade (it finds no index revision).
CREATE FUNCTION "schedule_sweeps"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."nextReminderAt" := CASE WHEN NEW."status" IN ('reported', 'assigned', 'accepted') THEN TIMESTAMP '1970-01-01 00:00:00' END;
    NEW."nextLookbackAt" := CASE WHEN NEW."status" = 'closed' THEN NEW."closedAt" END;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "Issue_insert_schedules_sweeps" BEFORE INSERT ON "Issue"
    FOR EACH ROW EXECUTE FUNCTION "schedule_sweeps"();
CREATE TRIGGER "Issue_update_schedules_sweeps" BEFORE UPDATE OF "status", "deadline", "reportedAt", "parkKind",
    "extensionCount", "sourceChatId", "sourceMessageId", "categoryId", "gridId", "closedAt", "reporterId" ON "Issue"
    FOR EACH ROW EXECUTE FUNCTION "schedule_sweeps"();
