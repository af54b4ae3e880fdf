/**
 * Digest at city scale: the figures of every community's and every street's 日清日报 for one day, computed the way
 * the digest sweep does (buildDigests over all the units due: statistics, overdue and due lists, ranking), compared with one
 * hand-written SQL aggregate over the same database that produces the same figures for all those units at once.
 * The harness checks that both agree, figure by figure. The average 整改用时 is counted in each issue's limit unit
 * (behaviour §8.7): a second statement reads the day's fixes, durations-oracle.ts counts their hours.
 */

import type Database from "libsql";
import type { Db } from "../../src/db/client.ts";
import { localPeriod, startOfDate } from "../../src/domain/deadline.ts";
import { DEFAULT_MIN_RANKED_ISSUES, observationInstant } from "../../src/domain/metrics.ts";
import { buildDigests, type DigestData } from "../../src/reports/digest.ts";
import { statsByUnit } from "../../src/reports/stats.ts";
import { round } from "../lib/stats.ts";
import { oracleHours } from "./durations-oracle.ts";
import type { City } from "./generate.ts";
import { instrument, type QueryCost } from "./instrument.ts";

/** The figures a digest shows (digestFigures in src/reports/digest.ts) plus its due-tomorrow total. */
export interface Figures {
  found: number;
  dynamic: number;
  static: number;
  none: number;
  rectified: number;
  /** Average 整改用时 in hours (in each issue's limit unit, behaviour §8.7), rounded to 1e-6; null when none. */
  rectificationHours: number | null;
  closed: number;
  open: number;
  overdue: number;
  awaitingVerification: number;
  rebound: number;
  rateOpen: number;
  cumulativeClosed: number;
  cumulativeOpen: number;
  dueTomorrow: number;
}

function hours(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e6) / 1e6;
}

function fromDigest(d: DigestData): Figures {
  const s = d.stats;
  return {
    found: s.found,
    dynamic: s.byKind.dynamic,
    static: s.byKind.static,
    none: s.byKind.none,
    rectified: s.rectified,
    rectificationHours: hours(s.durations.rectification.averageHours),
    closed: s.closed,
    open: s.open,
    overdue: s.overdue,
    awaitingVerification: s.awaitingVerification,
    rebound: s.rebound,
    rateOpen: s.rate.open,
    cumulativeClosed: s.cumulativeRate.closed,
    cumulativeOpen: s.cumulativeRate.open,
    dueTomorrow: d.today.dueTomorrow,
  };
}

// Open, in hand, awaiting and overdue as of the observation instant @t (src/domain/metrics.ts), written out by hand.
const OPEN = `(i.reportedAt <= @t AND (i.status IN ('reported', 'assigned', 'accepted', 'rectified') OR (i.status = 'closed' AND i.closedAt > @t)))`;
const IN_HAND = `(${OPEN} AND (i.status IN ('reported', 'assigned', 'accepted') OR i.rectifiedAt > @t))`;
const AWAITING = `(${OPEN} AND i.status IN ('rectified', 'closed') AND (i.rectifiedAt IS NULL OR i.rectifiedAt <= @t))`;
const OVERDUE = `(${IN_HAND} AND i.deadline < @t)`;
const FOUND = `i.reportedAt >= @from AND i.reportedAt < @to AND i.status NOT IN ('rejected', 'duplicate')`;
const RECTIFIED = `i.status IN ('rectified', 'closed') AND i.rectifiedAt >= @from AND i.rectifiedAt < @to`;
const SUMS = [
  "found",
  "dynamic",
  "static",
  "none",
  "rectified",
  "closed",
  "cumulativeClosed",
  "open",
  "overdue",
  "awaiting",
  "rateOpen",
  "cumulativeOpen",
  "rebound",
  "dueTomorrow",
] as const;

/**
 * The hand-written aggregate: every issue with a grid is read once and summed per grid, then the grid sums are
 * rolled up to communities and to streets. The same definitions as src/reports/stats.ts, in one statement.
 */
export const DIGEST_SQL = `
WITH per_grid AS (
  SELECT i.gridId AS gridId,
    SUM(${FOUND}) AS found,
    SUM(${FOUND} AND k.kind = 'dynamic') AS dynamic,
    SUM(${FOUND} AND k.kind = 'static') AS static,
    SUM(${FOUND} AND k.id IS NULL) AS none,
    SUM(${RECTIFIED}) AS rectified,
    SUM(i.status = 'closed' AND i.closedAt >= @from AND i.closedAt < @to) AS closed,
    SUM(i.status = 'closed' AND i.closedAt >= 0 AND i.closedAt < @to) AS cumulativeClosed,
    SUM(${OPEN}) AS open,
    SUM(${OVERDUE}) AS overdue,
    SUM(${AWAITING}) AS awaiting,
    SUM(${OVERDUE} OR (${OPEN} AND i.reportedAt >= @from AND i.reportedAt < @to)) AS rateOpen,
    SUM(${OVERDUE} OR (${OPEN} AND i.reportedAt >= 0 AND i.reportedAt < @to)) AS cumulativeOpen,
    SUM(${FOUND} AND i.reboundOfId IS NOT NULL) AS rebound,
    SUM(${IN_HAND} AND i.deadline >= @to AND i.deadline < @tomorrowTo) AS dueTomorrow
  FROM Issue i NOT INDEXED
  LEFT JOIN Category k ON k.id = i.categoryId
  WHERE i.gridId IS NOT NULL
  GROUP BY i.gridId
),
placed AS (
  SELECT p.*, c.id AS communityId, c.parentId AS streetId
  FROM per_grid p JOIN Unit g ON g.id = p.gridId JOIN Unit c ON c.id = g.parentId
  WHERE c.level = 'community'
)
SELECT communityId AS unitId, ${SUMS.map((s) => `SUM(${s}) AS ${s}`).join(", ")} FROM placed GROUP BY communityId
UNION ALL
SELECT streetId AS unitId, ${SUMS.map((s) => `SUM(${s}) AS ${s}`).join(", ")} FROM placed GROUP BY streetId`;

/**
 * The issues rectified in the day, each with its grid's community and street and its limit unit (the street's, else
 * the category's): their 整改用时 are counted by durations-oracle.ts, day by day.
 */
export const RECTIFIED_SQL = `
SELECT c.id AS communityId, c.parentId AS streetId, COALESCE(l.limitUnit, k.limitUnit) AS unit,
  i.reportedAt AS reportedAt, i.rectifiedAt AS rectifiedAt
FROM Issue i
JOIN Unit g ON g.id = i.gridId JOIN Unit c ON c.id = g.parentId
LEFT JOIN Category k ON k.id = i.categoryId
LEFT JOIN StreetCategoryLimit l ON l.streetId = c.parentId AND l.categoryId = i.categoryId
WHERE c.level = 'community' AND ${RECTIFIED}`;

type SumRow = { unitId: number } & Record<(typeof SUMS)[number], number>;
type RectifiedRow = {
  communityId: number;
  streetId: number;
  unit: string | null;
  reportedAt: number;
  rectifiedAt: number;
};

/** Total 整改用时 in hours per community and street, by the oracle. */
function rectificationHoursByUnit(rows: RectifiedRow[]): Map<number, number> {
  const total = new Map<number, number>();
  for (const row of rows) {
    const h = oracleHours(row.reportedAt, row.rectifiedAt, row.unit);
    for (const unitId of [row.communityId, row.streetId]) total.set(unitId, (total.get(unitId) ?? 0) + h);
  }
  return total;
}

function fromSums(r: SumRow, rectificationHours: number): Figures {
  return {
    found: r.found,
    dynamic: r.dynamic,
    static: r.static,
    none: r.none,
    rectified: r.rectified,
    rectificationHours: r.rectified === 0 ? null : hours(rectificationHours / r.rectified),
    closed: r.closed,
    open: r.open,
    overdue: r.overdue,
    awaitingVerification: r.awaiting,
    rebound: r.rebound,
    rateOpen: r.rateOpen,
    cumulativeClosed: r.cumulativeClosed,
    cumulativeOpen: r.cumulativeOpen,
    dueTomorrow: r.dueTomorrow,
  };
}

/** Figures that differ between the two ways, by unit. */
function differences(product: Map<number, Figures>, raw: Map<number, Figures>): string[] {
  const out: string[] = [];
  for (const [unitId, p] of product) {
    const r = raw.get(unitId);
    if (!r) {
      out.push(`unit ${unitId}: missing from the SQL aggregate`);
      continue;
    }
    for (const key of Object.keys(p) as (keyof Figures)[]) {
      const a = p[key];
      const b = r[key];
      const same = a === b || (typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-5);
      if (!same) out.push(`unit ${unitId} ${key}: product ${a}, SQL ${b}`);
    }
  }
  return out;
}

/** Options of {@link benchDigests}. */
export interface DigestBenchOptions {
  now: Date;
  date: string;
  timeZone: string;
  /** Record a per-query breakdown over this many community digests (0: none). */
  breakdownUnits: number;
}

/** Runs the digest benchmark on a generated city (see the module comment). */
export async function benchDigests(db: Db, sqlite: Database.Database, city: City, options: DigestBenchOptions) {
  const { now, date, timeZone } = options;
  const request = (unitId: number) => ({ unitId, date, now, timeZone, minRankedIssues: DEFAULT_MIN_RANKED_ISSUES });
  const period = localPeriod(startOfDate(date, timeZone), "day", timeZone);
  const asOf = observationInstant(period, now);
  const tomorrow = localPeriod(period.to, "day", timeZone);
  const params = {
    from: period.from.getTime(),
    to: period.to.getTime(),
    t: asOf.getTime(),
    tomorrowTo: tomorrow.to.getTime(),
  };

  // Warm-up (statement caches, JIT, page cache) for both ways, outside the timings.
  const warmId = city.communityIds[0];
  if (warmId !== undefined) await buildDigests(db, [request(warmId)]);
  const statement = sqlite.prepare<typeof params>(DIGEST_SQL);
  const rectifiedStatement = sqlite.prepare<typeof params>(RECTIFIED_SQL);
  statement.all(params);
  rectifiedStatement.all(params);

  // As the digest sweep at 18:00: every work group's community and every leader group's street in one call.
  const units = [...city.communityIds, ...city.streetIds];
  let started = performance.now();
  const digests = await buildDigests(db, units.map(request));
  const allMs = performance.now() - started;
  const product = new Map(digests.map((d) => [d.unit.id, fromDigest(d)]));

  started = performance.now();
  const rows = statement.all(params) as SumRow[];
  const rectifiedRows = rectifiedStatement.all(params) as RectifiedRow[];
  const sqlMs = performance.now() - started;
  const rectificationHours = rectificationHoursByUnit(rectifiedRows);
  const raw = new Map(rows.map((r) => [r.unitId, fromSums(r, rectificationHours.get(r.unitId) ?? 0)]));

  started = performance.now();
  await statsByUnit(db, city.streetIds, period, asOf);
  const oneCallMs = performance.now() - started;

  let breakdown: QueryCost[] = [];
  let breakdownMs = 0;
  if (options.breakdownUnits > 0) {
    const probe = instrument(db);
    started = performance.now();
    await buildDigests(probe.db, city.communityIds.slice(0, options.breakdownUnits).map(request));
    breakdownMs = performance.now() - started;
    breakdown = probe.costs().slice(0, 8);
  }

  const mismatches = differences(product, raw);
  const sample = product.get(city.streetIds[0] ?? -1);
  return {
    units: { communities: city.communityIds.length, streets: city.streetIds.length },
    productSeconds: round(allMs / 1000, 3),
    sqlSeconds: round(sqlMs / 1000, 3),
    ratioToSql: round(allMs / sqlMs, 2),
    statsByUnitOneCallSeconds: round(oneCallMs / 1000, 3),
    figuresEqual: mismatches.length === 0,
    mismatches: mismatches.length,
    firstMismatches: mismatches.slice(0, 5),
    sampleStreetFigures: sample ?? null,
    breakdown:
      options.breakdownUnits > 0
        ? { communities: options.breakdownUnits, ms: round(breakdownMs), queries: breakdown }
        : null,
  };
}
