/**
 * 延后提醒: the reminders of an issue put off until a given time. Stored durably as one JobRun row per issue (kind
 * "reminder.snooze", key `snooze:<issueId>`), rewritten by every new snooze, so restarts and other instances see it.
 */

import type { Db, Tx } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { claimedKeys } from "../db/once.ts";

const KIND = "reminder.snooze";

function snoozeKey(issueId: number): string {
  return `snooze:${issueId}`;
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
 * Until when each of the issues has its reminders put off, for those that were ever snoozed. Few are: their keys are
 * looked up first, and the rows of those found read.
 */
export async function snoozesOf(db: Db | Tx, issueIds: readonly number[]): Promise<Map<number, Date>> {
  const taken = await claimedKeys(db, issueIds.map(snoozeKey));
  const rows = await inChunks(
    issueIds.filter((id) => taken.has(snoozeKey(id))),
    (ids) => db.jobRun.findMany({ where: { key: { in: ids.map(snoozeKey) } }, select: { data: true } }),
  );
  const result = new Map<number, Date>();
  for (const { data } of rows) {
    const { issueId, until } = (data ?? {}) as { issueId?: unknown; until?: unknown };
    if (typeof issueId === "number" && typeof until === "number") result.set(issueId, new Date(until));
  }
  return result;
}
