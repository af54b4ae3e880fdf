/**
 * 延后提醒: the reminders of an issue put off until a given time. Stored durably as one JobRun row per issue (kind
 * "reminder.snooze", key `snooze:<issueId>`), rewritten by every new snooze, so restarts and other instances see it.
 */

import type { Db, Tx } from "../db/client.ts";
import { inChunks } from "../reports/stats-scope.ts";

const KIND = "reminder.snooze";

function snoozeKey(issueId: number): string {
  return `snooze:${issueId}`;
}

/**
 * Puts the issue's reminders off until `until` (the deadline does not move). The last snooze wins; the row's
 * createdAt is the bot's clock at the snooze (`at`), so sweeps find recent snoozes by index.
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
}

/** How long before a sweep a snooze may have been set and still run out (or be held by quiet hours) within it. */
const SNOOZE_REACH_MS = 2 * 24 * 3_600_000;

/** The issues whose snooze runs out after `since` (give or take the quiet hours) and by `until`. */
export async function snoozesEndedSince(db: Db | Tx, since: Date, until: Date): Promise<Set<number>> {
  const rows = await db.jobRun.findMany({
    where: { kind: KIND, createdAt: { gt: new Date(since.getTime() - SNOOZE_REACH_MS), lte: until } },
    select: { data: true },
  });
  const ids = new Set<number>();
  for (const { data } of rows) {
    const { issueId, until: end } = (data ?? {}) as { issueId?: unknown; until?: unknown };
    if (typeof issueId === "number" && typeof end === "number" && end <= until.getTime()) ids.add(issueId);
  }
  return ids;
}

/** Until when each of the issues has its reminders put off, for those that were ever snoozed. */
export async function snoozesOf(db: Db | Tx, issueIds: readonly number[]): Promise<Map<number, Date>> {
  const rows = await inChunks(issueIds, (ids) =>
    db.jobRun.findMany({ where: { key: { in: ids.map(snoozeKey) } }, select: { data: true } }),
  );
  const result = new Map<number, Date>();
  for (const { data } of rows) {
    const { issueId, until } = (data ?? {}) as { issueId?: unknown; until?: unknown };
    if (typeof issueId === "number" && typeof until === "number") result.set(issueId, new Date(until));
  }
  return result;
}
