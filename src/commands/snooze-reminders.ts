/**
 * 延后提醒: the reminders of an issue put off until a given time. Stored durably as one JobRun row per issue (kind
 * "reminder.snooze", key `snooze:<issueId>`), rewritten by every new snooze, so restarts and other instances see it.
 */

import type { Db, Tx } from "../db/client.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import { Prisma } from "../generated/prisma/client.ts";

const KIND = "reminder.snooze";
const KEY_PREFIX = "snooze:";

function snoozeKey(issueId: number): string {
  return `${KEY_PREFIX}${issueId}`;
}

/**
 * Puts the issue's reminders off until `until` (the deadline does not move). The last snooze wins; the row's
 * createdAt is the bot's clock at the snooze (`at`). The issue is put before the reminder sweep again
 * (src/jobs/sweep-index.ts), which is not a change of the issue: its updatedAt stays.
 */
export async function snoozeReminders(
  db: Db | Tx,
  issueId: number,
  snooze: { until: Date; by: string; at: Date },
): Promise<void> {
  const data = { issueId, until: snooze.until.getTime(), by: snooze.by };
  await db.jobRun.upsert({
    where: { key: snoozeKey(issueId) },
    create: { key: snoozeKey(issueId), kind: KIND, data, createdAt: snooze.at },
    update: { data, createdAt: snooze.at },
  });
  const issue = await db.issue.findUnique({ where: { id: issueId }, select: { updatedAt: true } });
  if (issue) await db.issue.update({ where: { id: issueId }, data: { nextReminderAt: snooze.at, ...issue } });
}

/**
 * Until when the issue of each row of a statement on "Issue" has its reminders put off, or NULL when it was never
 * snoozed: a column read with the issue (Unix milliseconds, as a number or as its text, see SqlDialect.jsonText).
 */
export function snoozeEndSql(db: Db | Tx): Prisma.Sql {
  const until = dialectOf(db).jsonText('"JobRun"."data"', "until");
  return Prisma.sql`(SELECT ${until} FROM "JobRun" WHERE "JobRun"."key" = ${KEY_PREFIX} || CAST("Issue"."id" AS TEXT))`;
}
