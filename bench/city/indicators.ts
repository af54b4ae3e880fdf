/**
 * The campaign indicators (src/domain/metrics.ts, behaviour §8.6) at city scale: every community's and street's
 * 立案数 … 超期数 for a day and for a month, computed by the statistics module (statsByUnit over the city, as the
 * digest, 统计, the ledger and `riqing stats` do), compared with one hand-written SQL aggregate over the issues and
 * their history that produces the same counts for all those units at once.
 */

import type Database from "libsql";
import type { Db } from "../../src/db/client.ts";
import type { Period } from "../../src/domain/deadline.ts";
import { type IndicatorCounts, observationInstant } from "../../src/domain/metrics.ts";
import { statsByUnit } from "../../src/reports/stats.ts";
import { round } from "../lib/stats.ts";
import type { City } from "./generate.ts";

// As of @t, written out by hand (see digest.ts): open, in hand, overdue.
const OPEN = `(i.reportedAt <= @t AND (i.status IN ('reported', 'assigned', 'accepted', 'rectified') OR (i.status = 'closed' AND i.closedAt > @t)))`;
const OVERDUE = `(${OPEN} AND (i.status IN ('reported', 'assigned', 'accepted') OR i.rectifiedAt > @t) AND i.deadline < @t)`;
const COUNTS = [
  "filed",
  "dueDisposal",
  "disposed",
  "disposedOnTime",
  "dueClosure",
  "closed",
  "closedOnTime",
  "rework",
  "extensions",
  "parked",
  "overdueNow",
  "overdueEver",
] as const satisfies readonly (keyof IndicatorCounts)[];

/** One statement: each counted issue with its history in the period, summed per community, then per street. */
export const INDICATORS_SQL = `
WITH ev AS (
  SELECT e.issueId AS issueId,
    MAX(CASE WHEN e.type = 'rectify' THEN e.at END) AS lastFix,
    SUM(e.type = 'refuse') AS rework,
    SUM(e.type = 'approve_extension') AS extensions,
    SUM(e.type = 'park' AND json_extract(e.data, '$.kind') = 'parked') AS parked
  FROM IssueEvent e
  WHERE e.at >= @from AND e.at < @to AND e.type IN ('rectify', 'refuse', 'approve_extension', 'park')
  GROUP BY e.issueId
),
per_issue AS (
  SELECT i.communityId AS communityId, i.streetId AS streetId,
    (i.reportedAt >= @from AND i.reportedAt < @to) AS filed,
    ${OVERDUE} AS o,
    (ev.lastFix IS NOT NULL) AS d,
    (ev.lastFix IS NOT NULL AND (i.deadline IS NULL OR ev.lastFix <= i.deadline)) AS dOn,
    (i.status = 'closed' AND i.closedAt >= @from AND i.closedAt < @to) AS c,
    (i.status = 'closed' AND i.closedAt >= @from AND i.closedAt < @to AND (i.deadline IS NULL OR i.closedAt <= i.deadline)) AS cOn,
    COALESCE(ev.rework, 0) AS rework, COALESCE(ev.extensions, 0) AS extensions, COALESCE(ev.parked, 0) AS parked
  FROM Issue i LEFT JOIN ev ON ev.issueId = i.id
  WHERE i.communityId IS NOT NULL AND i.status NOT IN ('rejected', 'duplicate')
),
sums AS (
  SELECT communityId, streetId,
    SUM(filed) AS filed, SUM(d OR o) AS dueDisposal, SUM(d) AS disposed, SUM(dOn) AS disposedOnTime,
    SUM(d OR c OR o) AS dueClosure, SUM(c) AS closed, SUM(cOn) AS closedOnTime, SUM(rework) AS rework,
    SUM(extensions) AS extensions, SUM(parked) AS parked, SUM(o) AS overdueNow, SUM(o OR (d AND NOT dOn)) AS overdueEver
  FROM per_issue GROUP BY communityId, streetId
)
SELECT communityId AS unitId, ${COUNTS.map((c) => `SUM(${c}) AS ${c}`).join(", ")} FROM sums GROUP BY communityId
UNION ALL
SELECT streetId AS unitId, ${COUNTS.map((c) => `SUM(${c}) AS ${c}`).join(", ")} FROM sums GROUP BY streetId`;

type Counts = Pick<IndicatorCounts, (typeof COUNTS)[number]>;

/** The indicators of one period both ways: timings and every count that differs. */
async function onePeriod(db: Db, statement: Database.Statement, city: City, period: Period, now: Date) {
  const t = observationInstant(period, now);
  const params = { from: period.from.getTime(), to: period.to.getTime(), t: t.getTime() };
  let started = performance.now();
  const all = await statsByUnit(db, city.streetIds, period, now);
  const productMs = performance.now() - started;
  started = performance.now();
  const rows = statement.all(params) as ({ unitId: number } & Counts)[];
  const sqlMs = performance.now() - started;
  const raw = new Map(rows.map((r) => [r.unitId, r]));
  const mismatches: string[] = [];
  for (const unitId of [...city.communityIds, ...city.streetIds]) {
    const product = all.get(unitId)?.indicators;
    const sql = raw.get(unitId);
    for (const key of COUNTS) {
      const a = product?.[key] ?? 0;
      const b = sql?.[key] ?? 0;
      if (a !== b) mismatches.push(`unit ${unitId} ${key}: product ${a}, SQL ${b}`);
    }
  }
  const sample = all.get(city.streetIds[0] ?? -1)?.indicators ?? null;
  return {
    productSeconds: round(productMs / 1000, 3),
    sqlSeconds: round(sqlMs / 1000, 3),
    ratioToSql: round(productMs / sqlMs, 2),
    countsEqual: mismatches.length === 0,
    mismatches: mismatches.length,
    firstMismatches: mismatches.slice(0, 5),
    sampleStreet: sample,
  };
}

/** Runs the indicator benchmark on a generated city for the digest's day and its month so far. */
export async function benchIndicators(
  db: Db,
  sqlite: Database.Database,
  city: City,
  options: { day: Period; month: Period; now: Date },
) {
  const statement = sqlite.prepare(INDICATORS_SQL);
  // Warm-up outside the timings.
  statement.all({ from: options.day.from.getTime(), to: options.day.to.getTime(), t: options.now.getTime() });
  await statsByUnit(db, city.streetIds.slice(0, 1), options.day, options.now);
  return {
    units: { communities: city.communityIds.length, streets: city.streetIds.length },
    day: await onePeriod(db, statement, city, options.day, options.now),
    month: await onePeriod(db, statement, city, options.month, options.now),
  };
}
