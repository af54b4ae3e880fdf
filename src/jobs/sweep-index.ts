/**
 * The sweeps' index: Issue.nextReminderAt and nextLookbackAt say when the reminder and the look-back sweeps next have
 * something to do for an issue, so a sweep reads only the issues due, however many the database holds.
 *
 * - A value at or before now: due, or changed since a sweep last looked. Database triggers set it (to the epoch, or
 *   closedAt for the look-back) whenever a column that decides it changes, in the transaction that changes it (see
 *   the sweep_index migration); a snooze sets it in its own transaction.
 * - A sweep reads the issues at or before now, does what is due, and sets each to the next instant it has something
 *   to do (src/domain/sweep-schedule.ts, the rules the sweep itself follows), or null when nothing lies ahead. It
 *   writes only what changed, and only where the issue did not change meanwhile (its updatedAt and the value read
 *   still stand), so a change that lands between its read and its write is never lost.
 * - The chat settings and the org decide too (ladders, quiet hours, escalation slots, the leader groups above a grid):
 *   when the org's revision moved since a sweep kept the index, it looks at every issue that may still be due, once.
 *   So does the first sweep of a process (the first after the upgrade that added the index among them).
 */

import type { Db } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";

/** Index writes per transaction (one commit each). */
const WRITES_PER_TRANSACTION = 500;

/** The columns `setIndex` needs of each issue. */
export const INDEXED_SELECT = { id: true, updatedAt: true } as const;

/** One issue's index as read and as it should be. */
export interface IndexEntry {
  row: { id: number; updatedAt: Date };
  stored: Date | null;
  next: Date | null;
}

/** Writes the entries whose value changed; a due value replaces no other due value (both mean "look at it now"). */
export async function setIndex(
  db: Db,
  column: "nextReminderAt" | "nextLookbackAt",
  now: Date,
  entries: readonly IndexEntry[],
): Promise<void> {
  const t = now.getTime();
  const changed = entries.filter(
    ({ stored, next }) =>
      stored?.getTime() !== next?.getTime() && !(stored && next && stored.getTime() <= t && next.getTime() <= t),
  );
  for (let i = 0; i < changed.length; i += WRITES_PER_TRANSACTION) {
    await transaction(db, async (tx) => {
      for (const { row, stored, next } of changed.slice(i, i + WRITES_PER_TRANSACTION)) {
        // updatedAt is written back as it was: keeping the index is not a change of the issue.
        await tx.issue.updateMany({
          where: { id: row.id, updatedAt: row.updatedAt, [column]: stored },
          data: { [column]: next, updatedAt: row.updatedAt },
        });
      }
    });
  }
}

/** Whether the index of one sweep was kept under another org revision than the current one. */
export interface OrgReview {
  stale: boolean;
  /** Records that the index is kept for the revision read (after the sweep set it). */
  kept(): void;
}

/**
 * The org revisions under which this process kept each sweep's index, as `<sweep>:<token>` (tokens are random per
 * database). A process starts with none, so its first sweep looks at everything that may be due, as sweeps always
 * did at start; each instance does so on its own.
 */
const keptUnder = new Set<string>();

/** Reads whether the org changed since the sweep `name` last kept its index in this process. */
export async function orgReview(db: Db, name: string): Promise<OrgReview> {
  const revision = await db.orgRevision.findUnique({ where: { id: 1 }, select: { token: true } });
  const key = `${name}:${revision?.token ?? ""}`;
  const stale = !keptUnder.has(key);
  return {
    stale,
    kept() {
      keptUnder.add(key);
    },
  };
}
