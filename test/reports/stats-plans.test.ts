import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { buildDigests } from "../../src/reports/digest.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { testPostgres } from "../support/postgres.ts";
import { seedOrg } from "./stats-fixture.ts";

/**
 * The planner's statistics of the benchmark's city (1,000,000 issues, 8,000 grids), as ANALYZE wrote them there:
 * with them SQLite plans as it does for a city's database once it has been analyzed.
 */
const CITY_STATISTICS: [index: string, stat: string][] = [
  ["Issue_status_closedAt_idx", "1000000 142858 1"],
  ["Issue_status_gridId_assigneeUnitId_communityId_streetId_closedAt_idx", "1000000 142858 35 22 22 22 1"],
  ["Issue_nextLookbackAt_idx", "1000000 1"],
  ["Issue_nextReminderAt_idx", "1000000 296"],
  ["Issue_patrolVisitId_idx", "1000000 1000000"],
  ["Issue_parkedUntil_idx", "1000000 1000000"],
  ["Issue_updatedAt_idx", "1000000 1"],
  ["Issue_reboundOfId_idx", "1000000 107"],
  ["Issue_assigneePersonId_status_idx", "1000000 125 40"],
  ["Issue_closedAt_idx", "1000000 1"],
  ["Issue_reportedAt_idx", "1000000 1"],
  ["Issue_categoryId_pointId_idx", "1000000 38462 7"],
  ["Issue_streetId_reportedAt_idx", "1000000 47620 1"],
  ["Issue_communityId_reportedAt_idx", "1000000 2494 1"],
  ["Issue_gridId_reportedAt_idx", "1000000 125 1"],
  ["Issue_acceptedAt_idx", "1000000 1"],
  ["Issue_rectifiedAt_idx", "1000000 1"],
  ["Issue_status_deadline_idx", "1000000 142858 1"],
  ["Issue_sourceMessageId_key", "1000000 1"],
  ["Issue_number_key", "1000000 1"],
];

/** The hand-written statements `run` sends through `db`, with their bound values. */
async function statementsOf(db: Db, run: (db: Db) => Promise<unknown>): Promise<{ sql: string; values: unknown[] }[]> {
  const seen: { sql: string; values: unknown[] }[] = [];
  const recording = db.$extends({
    query: {
      async $queryRaw({ args, query }) {
        const { strings, values } = args as unknown as { strings: string[]; values: unknown[] };
        seen.push({ sql: strings.join("?"), values });
        return query(args);
      },
    },
  });
  await run(recording as unknown as Db);
  return seen;
}

// A bound nearly every issue meets (reported by now, closed before tonight) must not be the planner's way in: on the
// city it skip-scanned (gridId, reportedAt) for "reported by now" and read the cumulative 销项 through the table, and
// the digests took 12 s instead of 3.
describe.skipIf(testPostgres())("the digest's statements on a city's planner statistics (SQLite)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await seedOrg(t.db);
    await t.db.$executeRawUnsafe("ANALYZE");
    await t.db.$executeRawUnsafe(`DELETE FROM sqlite_stat1 WHERE tbl = 'Issue'`);
    for (const [index, stat] of CITY_STATISTICS) {
      await t.db.$executeRaw`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('Issue', ${index}, ${stat})`;
    }
    // Makes the planner read the statistics again.
    await t.db.$executeRawUnsafe("ANALYZE sqlite_schema");
  });
  afterEach(async () => {
    await t.close();
  });

  it("look issues up by status, period or place, never by a bound every issue meets", async () => {
    const units = await t.db.unit.findMany({ where: { level: { in: ["street", "community"] } }, select: { id: true } });
    const now = new Date("2026-11-20T10:00:00Z");
    const statements = await statementsOf(t.db, (db) =>
      buildDigests(
        db,
        units.map((u) => ({ unitId: u.id, date: "2026-11-20", now, timeZone: "Asia/Shanghai", minRankedIssues: 3 })),
      ),
    );
    const plans: string[] = [];
    for (const { sql, values } of statements) {
      const steps = await t.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...values);
      plans.push(steps.map((s) => s.detail).join(" | "));
    }
    expect(plans.length).toBeGreaterThan(8);
    // Skip-scans, and searches bounded above alone by reportedAt or closedAt (the broad bounds).
    expect(plans.filter((plan) => /ANY\(|(?<!>\? AND )\b(reportedAt|closedAt)<\?\)/.test(plan))).toEqual([]);
    // The cumulative 销项 is counted from the index that holds all it needs.
    expect(plans.some((plan) => plan.includes("COVERING INDEX Issue_status_gridId_"))).toBe(true);
  });
});
