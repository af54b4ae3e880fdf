/**
 * The campaign indicators (src/domain/metrics.ts, behaviour §8.6) at city scale: every community's and street's
 * 立案数 … 超期数 for a day and for a month, computed by the statistics module (statsByUnit over the city, as the
 * digest, 统计, the ledger and `riqing stats` do), compared with one hand-written SQL aggregate over the issues and
 * their history that produces the same counts for all those units at once. The three durations (mean and median,
 * in each issue's limit unit, behaviour §8.7) are compared too: a second statement reads each issue's steps in the
 * period with its limit unit (the street's, else the category's), and durations-oracle.ts counts the hours day by
 * day; the SQL time is that of the two statements, the oracle's own counting is timed apart.
 */

import type Database from "libsql";
import type { Db } from "../../src/db/client.ts";
import type { Period } from "../../src/domain/deadline.ts";
import { DURATION_KINDS, type IndicatorCounts, observationInstant } from "../../src/domain/metrics.ts";
import { statsByUnit } from "../../src/reports/stats.ts";
import { round } from "../lib/stats.ts";
import { oracleHours, oracleSummary } from "./durations-oracle.ts";
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

const IN_PERIOD = (column: string) => `(${column} >= @from AND ${column} < @to)`;
/** 接单, or the fix of an issue fixed without 接单 (src/domain/metrics.ts durationEnd, written out again). */
const RESPONDED = `COALESCE(i.acceptedAt, CASE WHEN i.status IN ('rectified', 'closed') THEN i.rectifiedAt END)`;

/** Each issue with a step in the period: where it counts, its limit unit, its report and the steps in the period. */
export const DURATIONS_SQL = `
SELECT i.communityId AS communityId, i.streetId AS streetId, COALESCE(l.limitUnit, k.limitUnit) AS unit,
  i.reportedAt AS reportedAt,
  CASE WHEN ${IN_PERIOD(RESPONDED)} THEN ${RESPONDED} END AS response,
  CASE WHEN i.status IN ('rectified', 'closed') AND ${IN_PERIOD("i.rectifiedAt")} THEN i.rectifiedAt END AS rectification,
  CASE WHEN i.status = 'closed' AND ${IN_PERIOD("i.closedAt")} THEN i.closedAt END AS completion
FROM Issue i
LEFT JOIN Category k ON k.id = i.categoryId
LEFT JOIN StreetCategoryLimit l ON l.streetId = i.streetId AND l.categoryId = i.categoryId
WHERE i.communityId IS NOT NULL
  AND (${IN_PERIOD("i.acceptedAt")} OR ${IN_PERIOD("i.rectifiedAt")} OR ${IN_PERIOD("i.closedAt")})`;

type DurationRow = { communityId: number; streetId: number; unit: string | null; reportedAt: number } & Record<
  (typeof DURATION_KINDS)[number],
  number | null
>;

/** The oracle's durations per community and street from the statement's rows. */
function oracleDurations(rows: DurationRow[]) {
  const hours = new Map<number, Record<(typeof DURATION_KINDS)[number], number[]>>();
  for (const row of rows) {
    for (const unitId of [row.communityId, row.streetId]) {
      let unit = hours.get(unitId);
      if (!unit) {
        unit = { response: [], rectification: [], completion: [] };
        hours.set(unitId, unit);
      }
      for (const kind of DURATION_KINDS) {
        const end = row[kind];
        if (end !== null) unit[kind].push(oracleHours(row.reportedAt, end, row.unit));
      }
    }
  }
  return hours;
}

/** Whether two durations agree: equal counts, means and medians within a millionth of an hour. */
function sameHours(a: number | null, b: number | null): boolean {
  return a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6);
}

/** The indicators of one period both ways: timings and every count that differs. */
async function onePeriod(
  db: Db,
  statements: { counts: Database.Statement; durations: Database.Statement },
  city: City,
  period: Period,
  now: Date,
) {
  const { counts: statement, durations: durationStatement } = statements;
  const t = observationInstant(period, now);
  const params = { from: period.from.getTime(), to: period.to.getTime(), t: t.getTime() };
  let cpu = process.cpuUsage();
  let started = performance.now();
  const all = await statsByUnit(db, city.streetIds, period, now, {}, 1);
  const productMs = performance.now() - started;
  const productCpu = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  started = performance.now();
  const rows = statement.all(params) as ({ unitId: number } & Counts)[];
  const durationRows = durationStatement.all(params) as DurationRow[];
  const sqlMs = performance.now() - started;
  const sqlCpu = process.cpuUsage(cpu);
  started = performance.now();
  const oracle = oracleDurations(durationRows);
  const oracleMs = performance.now() - started;
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
    for (const kind of DURATION_KINDS) {
      const a = all.get(unitId)?.durations[kind] ?? { count: 0, averageHours: null, medianHours: null };
      const b = oracleSummary(oracle.get(unitId)?.[kind] ?? []);
      if (
        a.count !== b.count ||
        !sameHours(a.averageHours, b.averageHours) ||
        !sameHours(a.medianHours, b.medianHours)
      ) {
        mismatches.push(`unit ${unitId} ${kind}: product ${JSON.stringify(a)}, SQL ${JSON.stringify(b)}`);
      }
    }
  }
  const sample = all.get(city.streetIds[0] ?? -1)?.indicators ?? null;
  return {
    productSeconds: round(productMs / 1000, 3),
    sqlSeconds: round(sqlMs / 1000, 3),
    ratioToSql: round(productMs / sqlMs, 2),
    // On a loaded machine the CPU time each took says more than the wall clock.
    productCpuSeconds: round((productCpu.user + productCpu.system) / 1e6, 3),
    sqlCpuSeconds: round((sqlCpu.user + sqlCpu.system) / 1e6, 3),
    oracleSeconds: round(oracleMs / 1000, 3),
    durationRows: durationRows.length,
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
  const statements = { counts: sqlite.prepare(INDICATORS_SQL), durations: sqlite.prepare(DURATIONS_SQL) };
  // Warm-up outside the timings.
  const warm = { from: options.day.from.getTime(), to: options.day.to.getTime(), t: options.now.getTime() };
  statements.counts.all(warm);
  statements.durations.all(warm);
  await statsByUnit(db, city.streetIds.slice(0, 1), options.day, options.now);
  return {
    units: { communities: city.communityIds.length, streets: city.streetIds.length },
    day: await onePeriod(db, statements, city, options.day, options.now),
    month: await onePeriod(db, statements, city, options.month, options.now),
  };
}
