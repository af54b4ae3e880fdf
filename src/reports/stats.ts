/**
 * Every number the product shows — the 统计 command, the 日清日报 digest, the ledger's cover and 网格汇总 — comes
 * from here, so they agree everywhere. The metric definitions themselves live in src/domain/metrics.ts; this module
 * counts with SQL aggregates and feeds the counts to those definitions.
 *
 * Periods (see {@link periodFor}; all half-open [from, to), local time zone Asia/Shanghai unless configured):
 *   - "today" (今日): the local calendar day, [00:00, 24:00).
 *   - "week"  (本周): Monday 00:00 local to now.
 *   - "month" (本月): the 1st 00:00 local to now.
 *   - a custom {from, to} (台账 起止日期) as given.
 *   Cumulative (累计) figures use the period from the beginning of time to the period's end.
 *
 * Statuses: open (未销项) = reported 待派单, assigned 待接单, accepted 整改中, rectified 待验收 (OPEN_STATUSES in
 * src/domain/types.ts). Finished = closed 已销项, rejected 不予受理, duplicate 重复.
 *
 * Overdue (超期) at instant t: the issue is open, has a deadline, and deadline < t. This includes an issue awaiting
 * verification (rectified) whose deadline has passed, because rateOf in src/domain/metrics.ts counts such an issue
 * as "open and past due" in the rate's denominator, and the figures must agree with the rate. Those issues are also
 * counted apart ({@link UnitStats.overdueAwaitingVerification}) so a presenter can say "超期 5（其中待验收 2）" and
 * does not chase a responder who has done the work.
 *
 * Figures of a unit for a period, observed at `asOf` (normally now):
 *   - reported: issues reported in the period, whatever their status (the ledger's rows); byStatus splits them.
 *   - found (发现): reported in the period, not rejected and not duplicate; byKind / byClass / byCategory split it.
 *   - rectified (整改): issues rectified in the period that still count as rectified (status rectified or closed) —
 *     the issues the average response time is taken over.
 *   - closed (销项): issues closed in the period.
 *   - open (未销项): issues open at the time of the query, whenever reported; overdue: of those, past due at asOf.
 *   - rebound (反弹): found issues (as above) that are flagged as the rebound of an earlier one.
 *   - rate / cumulativeRate: rateOf over the period / from the beginning of time.
 *   - response: responseStats over the period (average and median hours).
 * Statuses are those stored now: like rateOf, the figures describe the issues as they stand when queried.
 */

import type { Db, Tx } from "../db/client.ts";
import {
  DEFAULT_TIME_ZONE,
  localDateString,
  localPeriod,
  type Period,
  startOfLocalMonth,
  startOfLocalWeek,
} from "../domain/deadline.ts";
import {
  type IssueSnapshot,
  type RateResult,
  type ResponseStats,
  rectificationRate,
  responseStats,
} from "../domain/metrics.ts";
import {
  CATEGORY_CLASSES,
  CATEGORY_KINDS,
  type CategoryClass,
  type CategoryKind,
  ISSUE_STATUSES,
  type IssueStatus,
  OPEN_STATUSES,
} from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { loadScope, loadUnitScope, type Scope, type UnitNode } from "./stats-scope.ts";

export { type RankingEntry, rankChildren, rankUnits } from "./stats-ranking.ts";
export { UnknownUnitError } from "./stats-scope.ts";

type Client = Db | Tx;

/** How a period is asked for: 今日, 本周, 本月, or explicit bounds. */
export type PeriodSpec = "today" | "week" | "month" | Period;

/** Issues of one category among those found. */
export interface CategoryCount {
  /** null for issues without a category. */
  categoryId: number | null;
  name: string | null;
  kind: CategoryKind | null;
  class: CategoryClass | null;
  count: number;
}

/** Every figure of one unit for one period. See the top of this file for what each means. */
export interface UnitStats {
  unit: UnitNode;
  period: Period;
  asOf: Date;
  reported: number;
  byStatus: Record<IssueStatus, number>;
  found: number;
  /** Found issues by category kind; "none" for issues without a category. */
  byKind: Record<CategoryKind | "none", number>;
  /** Found issues by category class; "none" for issues without a category. */
  byClass: Record<CategoryClass | "none", number>;
  /** Found issues by category, most first. */
  byCategory: CategoryCount[];
  rectified: number;
  closed: number;
  open: number;
  /** Open issues by status (finished statuses are 0). */
  openByStatus: Record<IssueStatus, number>;
  overdue: number;
  /** Of the overdue issues, those awaiting verification (rectified). */
  overdueAwaitingVerification: number;
  rebound: number;
  rate: RateResult;
  cumulativeRate: RateResult;
  response: ResponseStats;
}

/**
 * What the figures beyond the two metrics mean, one line each, for the ledger cover and the digest footer (next to
 * METRICS_DEFINITION from src/domain/metrics.ts).
 */
export const STATS_DEFINITIONS: readonly string[] = [
  "发现 = 期内上报的问题，不含不予受理和重复；整改 = 期内整改且未被驳回的问题；销项 = 期内验收通过的问题",
  "未销项 = 统计时待派单、待接单、整改中、待验收的问题；超期 = 未销项且已过整改期限的问题（含已整改待验收的）",
  "累计整改率 = 从最早的问题起至期末计算的整改率",
];

/** The issue statuses that do not count as found: not a real problem, or the same problem reported twice. */
const NOT_FOUND: ReadonlySet<string> = new Set<IssueStatus>(["rejected", "duplicate"]);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(ISSUE_STATUSES);
const OPEN: readonly IssueStatus[] = OPEN_STATUSES;

function isStatus(value: string): value is IssueStatus {
  return KNOWN_STATUSES.has(value);
}

/**
 * The period a 统计/台账 request means at `now` (see the top of this file). A custom period is returned as given
 * after checking that it is not empty; throws RangeError when from ≥ to or a bound is not a valid date.
 */
export function periodFor(spec: PeriodSpec, now: Date, timeZone: string = DEFAULT_TIME_ZONE): Period {
  switch (spec) {
    case "today":
      return localPeriod(now, "day", timeZone);
    case "week":
      return { from: startOfLocalWeek(now, timeZone), to: new Date(now.getTime()) };
    case "month":
      return { from: startOfLocalMonth(now, timeZone), to: new Date(now.getTime()) };
    default: {
      const from = spec.from.getTime();
      const to = spec.to.getTime();
      if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
        throw new RangeError(`Empty or invalid period: ${String(spec.from)} – ${String(spec.to)}`);
      }
      return { from: new Date(from), to: new Date(to) };
    }
  }
}

/**
 * The period in local dates for people: "2026-11-22" for a single day, else "2026-11-01 至 2026-11-22" (the last
 * date is the one containing the last instant of the period).
 */
export function periodLabel(period: Period, timeZone: string = DEFAULT_TIME_ZONE): string {
  const first = localDateString(period.from, timeZone);
  const last = localDateString(new Date(period.to.getTime() - 1), timeZone);
  return first === last ? first : `${first} 至 ${last}`;
}

/** Instants before any issue: the start of cumulative periods. */
const BEGINNING_OF_TIME = new Date(0);

/** The cumulative period ending where `period` ends. */
export function cumulativePeriod(period: Period): Period {
  return { from: BEGINNING_OF_TIME, to: period.to };
}

/**
 * The Prisma filter for issues overdue at `asOf`: open, with a deadline before it. The one SQL form of the overdue
 * rule stated at the top of this file; {@link isOverdueAt} is its in-memory twin.
 */
export function overdueWhere(asOf: Date): Prisma.IssueWhereInput {
  return { status: { in: [...OPEN] }, deadline: { lt: asOf } };
}

/** Whether an issue is overdue at `asOf` (open, with a deadline before it). */
export function isOverdueAt(issue: { status: string; deadline: Date | null }, asOf: Date): boolean {
  return (
    isStatus(issue.status) &&
    OPEN.includes(issue.status) &&
    issue.deadline !== null &&
    issue.deadline.getTime() < asOf.getTime()
  );
}

/**
 * 响应时长 of one issue in hours when it counts as rectified by src/domain/metrics.ts (rectified or closed with a
 * rectified time), else null — what the ledger shows per issue, consistent with the averages.
 */
export function rectifiedResponseHours(issue: {
  status: string;
  reportedAt: Date;
  rectifiedAt: Date | null;
}): number | null {
  if (!isStatus(issue.status) || issue.rectifiedAt === null) return null;
  // Asking responseStats about the issue alone over all time applies its own rule of what counts as rectified.
  const snapshot: IssueSnapshot = { ...issue, status: issue.status, deadline: null, closedAt: null };
  return responseStats([snapshot], { from: BEGINNING_OF_TIME, to: new Date(8.64e15) }).averageHours;
}

/** Running counts of one unit while query results are rolled up. */
interface Tally {
  byStatus: Record<IssueStatus, number>;
  byCategory: Map<number | null, number>;
  rebound: number;
  closed: number;
  cumulativeClosed: number;
  openByStatus: Record<IssueStatus, number>;
  overdueByStatus: Record<IssueStatus, number>;
  /** Open, not overdue, reported in the period: the rest of rateOf's "open" term. */
  openNewNotOverdue: number;
  /** Open, not overdue, reported before the period's end: the rest of the cumulative "open" term. */
  openEarlierNotOverdue: number;
  rectifiedIssues: IssueSnapshot[];
}

function zeroByStatus(): Record<IssueStatus, number> {
  return Object.fromEntries(ISSUE_STATUSES.map((s) => [s, 0])) as Record<IssueStatus, number>;
}

function newTally(): Tally {
  return {
    byStatus: zeroByStatus(),
    byCategory: new Map(),
    rebound: 0,
    closed: 0,
    cumulativeClosed: 0,
    openByStatus: zeroByStatus(),
    overdueByStatus: zeroByStatus(),
    openNewNotOverdue: 0,
    openEarlierNotOverdue: 0,
    rectifiedIssues: [],
  };
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Categories as the breakdowns need them. */
type CategoryInfo = { name: string; kind: CategoryKind | null; class: CategoryClass | null };

async function loadCategories(db: Client): Promise<Map<number, CategoryInfo>> {
  const rows = await db.category.findMany({ select: { id: true, name: true, kind: true, class: true } });
  const kinds: ReadonlySet<string> = new Set(CATEGORY_KINDS);
  const classes: ReadonlySet<string> = new Set(CATEGORY_CLASSES);
  return new Map(
    rows.map((c) => [
      c.id,
      {
        name: c.name,
        kind: kinds.has(c.kind) ? (c.kind as CategoryKind) : null,
        class: classes.has(c.class) ? (c.class as CategoryClass) : null,
      },
    ]),
  );
}

/**
 * Figures for each unit in `unitIds` and every unit below them (so a community's grids, a street's communities
 * and grids), for `period` observed at `asOf`. About ten grouped queries in all, whatever the number of units:
 * issues are grouped by grid and assignee unit in SQL and rolled up the unit tree in memory. Only the response
 * times are read per issue, and only for the issues rectified in the period. Throws UnknownUnitError for an
 * unknown unit.
 */
export async function statsByUnit(
  db: Client,
  unitIds: readonly number[],
  period: Period,
  asOf: Date,
): Promise<Map<number, UnitStats>> {
  const scope = await loadScope(db, unitIds);
  return statsForScope(db, scope, period, asOf);
}

/** Figures of one unit given by id or code (see {@link statsByUnit}). Throws UnknownUnitError when it is missing. */
export async function unitStats(db: Client, unit: number | string, period: Period, asOf: Date): Promise<UnitStats> {
  const scope = await loadUnitScope(db, unit);
  const root = scope.roots[0] as UnitNode;
  return (await statsForScope(db, scope, period, asOf)).get(root.id) as UnitStats;
}

/** Figures for every unit of an already loaded scope (see {@link statsByUnit}). */
export async function statsForScope(
  db: Client,
  scope: Scope,
  period: Period,
  asOf: Date,
): Promise<Map<number, UnitStats>> {
  const inScope = scope.where;
  const inPeriod = (field: "reportedAt" | "closedAt" | "rectifiedAt") => ({
    [field]: { gte: period.from, lt: period.to },
  });
  const cumulative = cumulativePeriod(period);
  const inCumulative = (field: "reportedAt" | "closedAt") => ({ [field]: { gte: cumulative.from, lt: cumulative.to } });
  const open = { status: { in: [...OPEN] } };
  const notOverdue: Prisma.IssueWhereInput = { OR: [{ deadline: null }, { deadline: { gte: asOf } }] };
  const count = { _count: { _all: true } } as const;

  const [categories, reported, rebounds, closed, cumulativeClosed, openNow, overdue, openNew, openEarlier, rectified] =
    await Promise.all([
      loadCategories(db),
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId", "status", "categoryId"],
        where: { AND: [inScope, inPeriod("reportedAt")] },
        ...count,
      }),
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId"],
        where: {
          AND: [inScope, inPeriod("reportedAt"), { reboundOfId: { not: null } }, { status: { notIn: [...NOT_FOUND] } }],
        },
        ...count,
      }),
      // Grouped by status rather than filtered on it: with "status = closed" in the query SQLite picks the status
      // index and reads every closed issue ever, instead of the period's closedAt range.
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId", "status"],
        where: { AND: [inScope, inPeriod("closedAt")] },
        ...count,
      }),
      // Cumulative: nearly every closed issue, so here the status index is the better way in (and an index on
      // status, gridId, assigneeUnitId, closedAt would make this an index-only scan).
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId", "status"],
        where: { AND: [inScope, { status: "closed" }, inCumulative("closedAt")] },
        ...count,
      }),
      db.issue.groupBy({ by: ["gridId", "assigneeUnitId", "status"], where: { AND: [inScope, open] }, ...count }),
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId", "status"],
        where: { AND: [inScope, overdueWhere(asOf)] },
        ...count,
      }),
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId"],
        where: { AND: [inScope, open, notOverdue, inPeriod("reportedAt")] },
        ...count,
      }),
      db.issue.groupBy({
        by: ["gridId", "assigneeUnitId"],
        where: { AND: [inScope, open, notOverdue, inCumulative("reportedAt")] },
        ...count,
      }),
      rectifiedIn(db, inScope, period),
    ]);

  const tallies = new Map<number, Tally>();
  for (const id of scope.units.keys()) tallies.set(id, newTally());
  const each = (row: { gridId: number | null; assigneeUnitId: number | null }, add: (t: Tally) => void) => {
    for (const id of scope.containersOf(row.gridId, row.assigneeUnitId)) add(tallies.get(id) as Tally);
  };

  for (const row of reported) {
    if (!isStatus(row.status)) continue;
    const status = row.status;
    const n = row._count._all;
    each(row, (t) => {
      t.byStatus[status] += n;
      if (!NOT_FOUND.has(status)) t.byCategory.set(row.categoryId, (t.byCategory.get(row.categoryId) ?? 0) + n);
    });
  }
  for (const row of rebounds) {
    each(row, (t) => {
      t.rebound += row._count._all;
    });
  }
  for (const row of closed) {
    if (row.status !== "closed") continue;
    each(row, (t) => {
      t.closed += row._count._all;
    });
  }
  for (const row of cumulativeClosed) {
    if (row.status !== "closed") continue;
    each(row, (t) => {
      t.cumulativeClosed += row._count._all;
    });
  }
  for (const row of openNow) {
    const status = row.status;
    if (!isStatus(status)) continue;
    each(row, (t) => {
      t.openByStatus[status] += row._count._all;
    });
  }
  for (const row of overdue) {
    const status = row.status;
    if (!isStatus(status)) continue;
    each(row, (t) => {
      t.overdueByStatus[status] += row._count._all;
    });
  }
  for (const row of openNew) {
    each(row, (t) => {
      t.openNewNotOverdue += row._count._all;
    });
  }
  for (const row of openEarlier) {
    each(row, (t) => {
      t.openEarlierNotOverdue += row._count._all;
    });
  }
  for (const row of rectified) {
    if (!isStatus(row.status)) continue;
    const snapshot: IssueSnapshot = {
      status: row.status,
      reportedAt: row.reportedAt,
      rectifiedAt: row.rectifiedAt,
      deadline: null,
      closedAt: null,
    };
    each(row, (t) => t.rectifiedIssues.push(snapshot));
  }

  const result = new Map<number, UnitStats>();
  for (const [id, tally] of tallies) {
    result.set(id, finish(scope.units.get(id) as UnitNode, tally, categories, period, asOf));
  }
  return result;
}

/**
 * The issues of the scope with a rectified time in the period, for responseStats to pick from (it decides which
 * count). There is no index on rectifiedAt, so instead of scanning the table this reads two indexed sets that hold
 * every issue responseStats can count — those awaiting verification (status index) and those closed since the
 * period began (closedAt index; an issue is closed after it is rectified) — and merges them. With an index on
 * rectifiedAt this would be one query; the cross-check test fails if metrics.ts ever counts other statuses.
 */
async function rectifiedIn(db: Client, inScope: Prisma.IssueWhereInput, period: Period) {
  const select = { id: true, gridId: true, assigneeUnitId: true, status: true, reportedAt: true, rectifiedAt: true };
  const rectifiedAt = { rectifiedAt: { gte: period.from, lt: period.to } };
  const [awaiting, closed] = await Promise.all([
    db.issue.findMany({ where: { AND: [inScope, { status: "rectified" }, rectifiedAt] }, select }),
    db.issue.findMany({ where: { AND: [inScope, { closedAt: { gte: period.from } }, rectifiedAt] }, select }),
  ]);
  const seen = new Set(awaiting.map((i) => i.id));
  return [...awaiting, ...closed.filter((i) => !seen.has(i.id))];
}

function finish(
  unit: UnitNode,
  t: Tally,
  categories: Map<number, CategoryInfo>,
  period: Period,
  asOf: Date,
): UnitStats {
  const byKind = {
    ...(Object.fromEntries(CATEGORY_KINDS.map((k) => [k, 0])) as Record<CategoryKind, number>),
    none: 0,
  };
  const byClass = {
    ...(Object.fromEntries(CATEGORY_CLASSES.map((c) => [c, 0])) as Record<CategoryClass, number>),
    none: 0,
  };
  const byCategory: CategoryCount[] = [];
  for (const [categoryId, count] of t.byCategory) {
    const info = categoryId === null ? undefined : categories.get(categoryId);
    byKind[info?.kind ?? "none"] += count;
    byClass[info?.class ?? "none"] += count;
    byCategory.push({
      categoryId,
      name: info?.name ?? null,
      kind: info?.kind ?? null,
      class: info?.class ?? null,
      count,
    });
  }
  byCategory.sort((a, b) => b.count - a.count || (a.categoryId ?? Infinity) - (b.categoryId ?? Infinity));

  const overdue = sum(Object.values(t.overdueByStatus));
  const rateOpen = overdue + t.openNewNotOverdue;
  const cumulativeOpen = overdue + t.openEarlierNotOverdue;
  const response = responseStats(t.rectifiedIssues, period);

  return {
    unit,
    period,
    asOf,
    reported: sum(Object.values(t.byStatus)),
    byStatus: t.byStatus,
    found: sum(t.byCategory.values()),
    byKind,
    byClass,
    byCategory,
    rectified: response.count,
    closed: t.closed,
    open: sum(Object.values(t.openByStatus)),
    openByStatus: t.openByStatus,
    overdue,
    overdueAwaitingVerification: t.overdueByStatus.rectified,
    rebound: t.rebound,
    rate: { closed: t.closed, open: rateOpen, rate: rectificationRate({ closed: t.closed, open: rateOpen }) },
    cumulativeRate: {
      closed: t.cumulativeClosed,
      open: cumulativeOpen,
      rate: rectificationRate({ closed: t.cumulativeClosed, open: cumulativeOpen }),
    },
    response,
  };
}
