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
import type { Org } from "../db/org-queries.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import { Prisma } from "../generated/prisma/client.ts";

/** Index entries written per statement (four bound values each). */
const WRITES_PER_STATEMENT = 500;

/** A sweep's index column. */
export type IndexColumn = "nextReminderAt" | "nextLookbackAt";

/** What `setIndex` needs of each issue read, times in Unix milliseconds: its id, updatedAt and the index read. */
export interface IndexedRow {
  id: number;
  updatedAt: number;
  stored: number | null;
}

/** The values of an {@link IndexedRow} in its order, for a statement on "Issue" that reads the index `column`. */
export function indexedValues(
  db: Db,
  column: IndexColumn,
): [id: Prisma.Sql, updatedAt: Prisma.Sql, stored: Prisma.Sql] {
  const { epochMs } = dialectOf(db);
  return [Prisma.sql`"Issue"."id"`, epochMs('"Issue"."updatedAt"'), epochMs(`"Issue"."${column}"`)];
}

/** The columns of an {@link IndexedRow}, for a statement on "Issue" that reads the index `column`. */
export function indexedColumns(db: Db, column: IndexColumn): Prisma.Sql {
  const [id, updatedAt, stored] = indexedValues(db, column);
  return Prisma.sql`${id}, ${updatedAt} AS "updatedAt", ${stored} AS "stored"`;
}

/** One issue's index as read and as it should be (Unix milliseconds). */
export interface IndexEntry {
  row: IndexedRow;
  next: number | null;
}

/**
 * Writes the entries whose value changed; a due value replaces no other due value (both mean "look at it now"). One
 * statement per batch, each entry written only where the updatedAt and index are still those read. updatedAt
 * is not written: keeping the index is not a change of the issue.
 */
export async function setIndex(db: Db, column: IndexColumn, now: Date, entries: readonly IndexEntry[]): Promise<void> {
  const t = now.getTime();
  const changed = entries.filter(
    ({ row: { stored }, next }) => stored !== next && !(stored !== null && next !== null && stored <= t && next <= t),
  );
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  const index = Prisma.raw(`"${column}"`);
  for (let i = 0; i < changed.length; i += WRITES_PER_STATEMENT) {
    // Typed in the statement: PostgreSQL reads the bound values of a VALUES list as text otherwise. The `IN` has
    // SQLite find the issues by id: joining by the other conditions alone, it read every issue.
    const values = changed.slice(i, i + WRITES_PER_STATEMENT).map(
      ({ row, next }) => Prisma.sql`(CAST(${row.id} AS INTEGER), CAST(${date(row.updatedAt)} AS TIMESTAMP(3)),
        CAST(${date(row.stored)} AS TIMESTAMP(3)), CAST(${date(next)} AS TIMESTAMP(3)))`,
    );
    await db.$executeRaw`WITH "kept" ("id", "updatedAt", "stored", "next") AS (VALUES ${Prisma.join(values)})
      UPDATE "Issue" SET ${index} = "kept"."next" FROM "kept"
      WHERE "Issue"."id" IN (SELECT "id" FROM "kept") AND "Issue"."id" = "kept"."id"
        AND "Issue"."updatedAt" = "kept"."updatedAt"
        AND "Issue".${index} IS NOT DISTINCT FROM "kept"."stored"`;
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

/** Whether the org (as of the snapshot `org`) changed since the sweep `name` last kept its index in this process. */
export function orgReview(org: Org, name: string): OrgReview {
  const key = `${name}:${org.revision}`;
  const stale = !keptUnder.has(key);
  return {
    stale,
    kept() {
      keptUnder.add(key);
    },
  };
}
