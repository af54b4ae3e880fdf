/**
 * Every number the product shows — the 统计 command, the 日清日报 digest, the ledger's cover and 网格汇总 — comes
 * from here, so they agree everywhere. The definitions themselves live in src/domain/metrics.ts, as conditions this
 * module turns into database filters (toSql for its own grouped counts, {@link toWhere} for Prisma's lists elsewhere)
 * and counts; it adds no rule of its own.
 *
 * Periods (see {@link periodFor}; all half-open [from, to), local time zone Asia/Shanghai unless configured):
 *   - "today" (今日): the local calendar day, [00:00, 24:00).
 *   - "week"  (本周): Monday 00:00 local to now.
 *   - "month" (本月): the 1st 00:00 local to now.
 *   - a custom {from, to} (台账 起止日期) as given.
 *   Cumulative (累计) figures use the period from the beginning of time to the period's end.
 *
 * The observation instant t of a period asked at `asOf` (normally now) is the earlier of asOf and the period's last
 * millisecond (observationInstant in src/domain/metrics.ts): today's figures at 18:00 are as of 18:00, a November
 * ledger exported in December is as of the end of November — an issue reported in December does not exist yet
 * for it, and one closed in December was still open then.
 *
 * Figures of a unit for a period:
 *   - reported: issues reported in the period, whatever their status (the ledger's rows); byStatus splits them by
 *     their status now.
 *   - found (发现): reported in the period, not rejected and not duplicate; byKind / byClass / byCategory split it.
 *   - rectified (整改): issues rectified in the period that still count as rectified (status rectified or closed) —
 *     the issues the average and median 整改用时 are taken over.
 *   - closed (销项): issues closed in the period.
 *   - open (未销项): open at t, whenever reported; openByStatus splits them by their status at t (待验收 = awaiting
 *     verification at t; an issue in hand at t but fixed since counts as 整改中).
 *   - overdue (超期): overdue at t — in hand, deadline before t; issues awaiting verification are not overdue.
 *   - awaitingVerification (待验收): open at t and awaiting verification.
 *   - rebound (反弹): found issues (as above) that are flagged as the rebound of an earlier one.
 *   - rate / cumulativeRate: 整改率 over the period / from the beginning of time, both observed at t.
 *   - durations: 响应用时, 整改用时 and 办结用时 over the period (average and median hours, durationsEndingIn), each issue's
 *     counted in its time limit's unit (behaviour §8.7) with the time zone and office hours given as `counting`.
 */

import type { Db, Tx } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { limitUnitLookup, orgOf } from "../db/org-queries.ts";
import { dialectOf, type SqlDialect } from "../db/sql-dialect.ts";
import {
  type CountingOptions,
  DEFAULT_TIME_ZONE,
  type LimitUnit,
  localDateString,
  localPeriod,
  type Period,
  startOfLocalMonth,
  startOfLocalWeek,
} from "../domain/deadline.ts";
import {
  addTally,
  awaitingVerificationAt,
  closedBefore,
  closedIn,
  DURATION_KINDS,
  type DurationFacts,
  type DurationKind,
  type Durations,
  durationsEndingIn,
  emptyTally,
  type HeadCounts,
  type HistoryEvent,
  type HistoryTally,
  INDICATOR_EVENTS,
  type Indicators,
  type IssueCondition,
  type IssueHistory,
  indicatorsOf,
  inHandAt,
  inHandStatus,
  issueTallier,
  mapDurations,
  observationInstant,
  overdueAt,
  type RateResult,
  rateOpenAt,
  rectificationRate,
  summarizeHours,
} from "../domain/metrics.ts";
import {
  CATEGORY_CLASSES,
  CATEGORY_KINDS,
  type CategoryClass,
  type CategoryKind,
  ISSUE_STATUSES,
  type IssueStatus,
} from "../domain/types.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { dateRange } from "../texts/stats.ts";
import {
  isGridLevel,
  loadScope,
  loadUnitScope,
  PLACED_BY,
  type Placed,
  type Scope,
  type UnitNode,
} from "./stats-scope.ts";

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
  /** The instant open, awaiting and overdue are judged at: asOf, but no later than the end of the period. */
  observedAt: Date;
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
  /** Open issues by their status at the observation instant (finished statuses are 0). */
  openByStatus: Record<IssueStatus, number>;
  overdue: number;
  /** Open issues awaiting verification (待验收); never overdue. */
  awaitingVerification: number;
  rebound: number;
  rate: RateResult;
  cumulativeRate: RateResult;
  durations: Durations;
  /** The campaign indicators (立案数 … 综合指标值, behaviour §8.6), with the default weights. */
  indicators: Indicators;
}

/** The figures of a unit followed by those of the units directly under it (departments included), by code. */
export function unitAndChildren(all: ReadonlyMap<number, UnitStats>, unitId: number): UnitStats[] {
  const children = [...all.values()]
    .filter((s) => s.unit.parentId === unitId)
    .sort((a, b) => (a.unit.code < b.unit.code ? -1 : a.unit.code > b.unit.code ? 1 : 0));
  return [all.get(unitId) as UnitStats, ...children];
}

/** The counts a unit's figures lead with. */
export function headCounts(
  stats: Pick<UnitStats, "found" | "rectified" | "closed" | "open" | "overdue" | "awaitingVerification">,
): HeadCounts {
  const { found, rectified, closed, open, overdue, awaitingVerification: awaiting } = stats;
  return { found, rectified, closed, open, overdue, awaiting };
}

/** The issue statuses that do not count as found: not a real problem, or the same problem reported twice. */
const NOT_FOUND: ReadonlySet<string> = new Set<IssueStatus>(["rejected", "duplicate"]);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(ISSUE_STATUSES);

function isStatus(value: string): value is IssueStatus {
  return KNOWN_STATUSES.has(value);
}

const PRISMA_OPS = { "<": "lt", "<=": "lte", ">": "gt", ">=": "gte" } as const;

/** A condition of src/domain/metrics.ts as a Prisma filter, meaning exactly what {@link matches} means by it. */
export function toWhere(condition: IssueCondition): Prisma.IssueWhereInput {
  if ("all" in condition) return { AND: condition.all.map(toWhere) };
  if ("any" in condition) return { OR: condition.any.map(toWhere) };
  if ("status" in condition) return { status: { in: [...condition.status] } };
  const compared: Prisma.IssueWhereInput = { [condition.time]: { [PRISMA_OPS[condition.op]]: condition.at } };
  return condition.orUnset ? { OR: [{ [condition.time]: null }, compared] } : compared;
}

/**
 * The same condition as an SQL condition on the columns of `"Issue"`, for the statements written by hand. Given
 * `unindexed` (SqlDialect.unindexed), a broad time comparison is written so that the database does not look issues
 * up by it: right for the counts and lists, which would otherwise be planned through it once SQLite has statistics.
 */
export function toSql(condition: IssueCondition, unindexed?: SqlDialect["unindexed"]): Prisma.Sql {
  const joined = (parts: readonly IssueCondition[], glue: "AND" | "OR") =>
    parts.length === 0
      ? Prisma.raw(glue === "AND" ? "1 = 1" : "1 = 0")
      : Prisma.sql`(${Prisma.join(
          parts.map((part) => toSql(part, unindexed)),
          ` ${glue} `,
        )})`;
  if ("all" in condition) return joined(condition.all, "AND");
  if ("any" in condition) return joined(condition.any, "OR");
  if ("status" in condition) {
    const statuses = [...condition.status];
    return statuses.length === 0 ? Prisma.raw("1 = 0") : Prisma.sql`"Issue"."status" IN (${Prisma.join(statuses)})`;
  }
  const name = `"Issue"."${condition.time}"`;
  const column = Prisma.raw(name);
  const compared = Prisma.sql`${condition.broad && unindexed ? unindexed(name) : column} ${Prisma.raw(condition.op)} ${condition.at}`;
  return condition.orUnset ? Prisma.sql`(${column} IS NULL OR ${compared})` : compared;
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
  return first === last ? first : dateRange(first, last);
}

/** Running counts of one unit while query results are rolled up. */
interface Tally {
  byStatus: Record<IssueStatus, number>;
  byCategory: Map<number | null, number>;
  rebound: number;
  closed: number;
  cumulativeClosed: number;
  openByStatus: Record<IssueStatus, number>;
  overdue: number;
  rateOpen: number;
  /** The hours of each duration ended in the period by the unit's issues. */
  hours: Record<DurationKind, number[]>;
  history: HistoryTally;
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
    overdue: 0,
    rateOpen: 0,
    hours: mapDurations(() => []),
    history: emptyTally(),
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
 * Figures for each unit in `unitIds` and the units below them down to `depth` levels (all levels when not given: a
 * community's grids, a street's communities and grids; 1: a street's communities and departments), for `period`
 * observed at `asOf`. About ten statements in all, whatever the number of units, and two for every `pageRows` issues
 * read one by one: issues are grouped by where they are placed (grid, community and street filed against, assignee
 * unit; see groupedCounts) in SQL and rolled up the unit tree in memory. Only the durations and the indicators'
 * histories are read per issue, and only for the issues accepted, rectified or closed in the period or with an
 * indicator event in it, at most `pageRows` of them at a time (see stepPages); durations are counted in each issue's
 * limit unit with `counting` (time zone and office hours; the defaults unless given). Throws UnknownUnitError for an
 * unknown unit.
 */
export async function statsByUnit(
  db: Client,
  unitIds: readonly number[],
  period: Period,
  asOf: Date,
  counting: CountingOptions = {},
  depth?: number,
  pageRows: number = STEP_PAGE_ROWS,
): Promise<Map<number, UnitStats>> {
  const scope = await loadScope(db, unitIds);
  return statsForScope(db, scope, period, asOf, counting, depth, pageRows);
}

/** Figures of one unit given by id or code (see {@link statsByUnit}). Throws UnknownUnitError when it is missing. */
export async function unitStats(
  db: Client,
  unit: number | string,
  period: Period,
  asOf: Date,
  counting: CountingOptions = {},
): Promise<UnitStats> {
  const scope = await loadUnitScope(db, unit);
  const root = scope.roots[0] as UnitNode;
  return (await statsForScope(db, scope, period, asOf, counting, 0)).get(root.id) as UnitStats;
}

/**
 * Figures for the roots of an already loaded scope and the units below them down to `depth` levels, all when not
 * given (see {@link statsByUnit}). The units not asked for cost nothing: issues are still read for the whole scope,
 * but rolled up only to the units asked for.
 */
export async function statsForScope(
  db: Client,
  scope: Scope,
  period: Period,
  asOf: Date,
  counting: CountingOptions = {},
  depth?: number,
  pageRows: number = STEP_PAGE_ROWS,
): Promise<Map<number, UnitStats>> {
  const t = observationInstant(period, asOf);
  const { unindexed } = dialectOf(db);
  const wanted = unitsDownTo(scope, depth);
  const countsBy = groupedCounts(db, scope, [...wanted.values()].some(isGridLevel));
  const reportedInPeriod = Prisma.sql`"Issue"."reportedAt" >= ${period.from} AND "Issue"."reportedAt" < ${period.to}`;

  const containersOf = wantedContainers(scope, wanted);
  const [categories, reported, rebounds, closed, cumulativeClosed, inHand, awaiting, overdue, rateOpen, placements] =
    await Promise.all([
      loadCategories(db),
      countsBy(["status", "categoryId"], reportedInPeriod),
      countsBy(
        [],
        Prisma.sql`${reportedInPeriod} AND "Issue"."reboundOfId" IS NOT NULL
          AND "Issue"."status" NOT IN (${Prisma.join([...NOT_FOUND])})`,
      ),
      countsBy([], toSql(closedIn(period), unindexed)),
      // By grid always: the index these counts are read from alone (all issues ever closed) is ordered so.
      groupedCounts(db, scope, true)([], toSql(closedBefore(period.to), unindexed)),
      countsBy(["status"], toSql(inHandAt(t), unindexed)),
      countsBy([], toSql(awaitingVerificationAt(t), unindexed)),
      countsBy([], toSql(overdueAt(t), unindexed)),
      countsBy([], toSql(rateOpenAt(period, t), unindexed)),
      stepTallies(db, scope, period, t, counting, containersOf, pageRows),
    ]);

  const tallies = new Map<number, Tally>();
  for (const id of wanted.keys()) tallies.set(id, newTally());
  type Row = CountedRow<never>;
  const each = (row: Placed, add: (t: Tally) => void) => {
    for (const id of containersOf(row)) add(tallies.get(id) as Tally);
  };
  const addUp = (rows: Row[], add: (t: Tally, n: number) => void) => {
    for (const row of rows) each(row, (tally) => add(tally, row.count));
  };
  const count = (rows: Row[], counter: "rebound" | "closed" | "cumulativeClosed" | "overdue" | "rateOpen") =>
    addUp(rows, (tally, n) => {
      tally[counter] += n;
    });

  for (const row of reported) {
    if (!isStatus(row.status)) continue;
    const status = row.status;
    const n = row.count;
    each(row, (t) => {
      t.byStatus[status] += n;
      if (!NOT_FOUND.has(status)) t.byCategory.set(row.categoryId, (t.byCategory.get(row.categoryId) ?? 0) + n);
    });
  }
  count(rebounds, "rebound");
  count(closed, "closed");
  count(cumulativeClosed, "cumulativeClosed");
  count(overdue, "overdue");
  count(rateOpen, "rateOpen");
  for (const row of inHand) {
    if (!isStatus(row.status)) continue;
    const status = inHandStatus(row.status);
    each(row, (tally) => {
      tally.openByStatus[status] += row.count;
    });
  }
  addUp(awaiting, (tally, n) => {
    tally.openByStatus.rectified += n;
  });
  for (const [containers, placed] of placements) {
    for (const id of containers) {
      const tally = tallies.get(id) as Tally;
      for (const kind of DURATION_KINDS) for (const h of placed.hours[kind]) tally.hours[kind].push(h);
      addTally(tally.history, placed.history);
    }
  }

  const result = new Map<number, UnitStats>();
  for (const [id, tally] of tallies) {
    result.set(id, finish(wanted.get(id) as UnitNode, tally, categories, { period, asOf, observedAt: t }));
  }
  return result;
}

/** A group of issues counted: where they are placed, the other columns grouped by, and how many. */
type CountedRow<K extends "status" | "categoryId"> = Placed &
  Pick<{ status: string; categoryId: number | null }, K> & { count: number };

/**
 * Counts of the scope's issues meeting an SQL condition, grouped by placement and `extra` columns. By grid when a unit
 * asked for is a grid (`byGrid`); when none is, an issue filed against a community or street counts for the units
 * asked for whatever its grid (behaviour §8.5, containersOf), so those are grouped without it, in a few times fewer
 * groups, and only the issues filed against neither are grouped by grid as well, to climb the tree from their grid.
 */
function groupedCounts(db: Client, scope: Scope, byGrid: boolean) {
  const grid = byGrid
    ? Prisma.sql`"Issue"."gridId"`
    : Prisma.sql`CASE WHEN "Issue"."communityId" IS NULL AND "Issue"."streetId" IS NULL THEN "Issue"."gridId" END`;
  return <K extends "status" | "categoryId">(extra: readonly K[], condition: Prisma.Sql): Promise<CountedRow<K>[]> => {
    const others = [...FILED_BY, ...extra];
    const columns = [
      Prisma.sql`${grid} AS "gridId"`,
      ...others.map((column) => Prisma.raw(`"Issue"."${column}"`)),
      Prisma.sql`CAST(COUNT(*) AS INTEGER) AS "count"`,
    ];
    const groups = Prisma.raw(others.map((_, i) => i + 2).join(", "));
    return db.$queryRaw<CountedRow<K>[]>`SELECT ${Prisma.join(columns)} FROM "Issue"
      WHERE ${scope.sql} AND ${condition} GROUP BY 1, ${groups}`;
  };
}

/** The placement columns but the grid: where an issue was filed, and its assignee unit. */
const FILED_BY = PLACED_BY.filter((column) => column !== "gridId");

/** The roots of the scope and the units below them down to `depth` levels (all when undefined). */
function unitsDownTo(scope: Scope, depth: number | undefined): Map<number, UnitNode> {
  if (depth === undefined) return scope.units;
  const units = new Map(scope.roots.map((u) => [u.id, u]));
  let level = scope.roots;
  for (let d = 0; d < depth && level.length > 0; d++) {
    level = level.flatMap((u) => scope.children.get(u.id) ?? []).filter((u) => !units.has(u.id));
    for (const u of level) units.set(u.id, u);
  }
  return units;
}

/**
 * Ids of the units of `wanted` an issue so placed belongs to: scope.containersOf less the units not wanted, memoised
 * so that issues placed alike get the very same list (the roll-up sums them per list).
 */
function wantedContainers(scope: Scope, wanted: ReadonlyMap<number, UnitNode>): (issue: Placed) => readonly number[] {
  if (wanted === scope.units) return scope.containersOf;
  const memo = new Map<readonly number[], readonly number[]>();
  const byIds = new Map<string, readonly number[]>();
  return (issue) => {
    const all = scope.containersOf(issue);
    let ids = memo.get(all);
    if (!ids) {
      const kept = all.filter((id) => wanted.has(id));
      const key = kept.join(",");
      ids = byIds.get(key) ?? kept;
      byIds.set(key, ids);
      memo.set(all, ids);
    }
    return ids;
  };
}

/** What the durations and the indicators read of an issue, as the statements below return it. */
interface StepRow extends Placed {
  id: number;
  categoryId: number | null;
  status: string;
  /** Times in Unix milliseconds (SqlDialect.epochMs), turned into dates by {@link steppedIssue}. */
  reportedAt: number;
  deadline: number | null;
  acceptedAt: number | null;
  rectifiedAt: number | null;
  closedAt: number | null;
  parkedAt: number | null;
}

/** The columns of a {@link StepRow} read as they are, and its times. */
const STEP_COLUMNS = ["id", ...PLACED_BY, "categoryId", "status"] as const;
const STEP_TIMES = ["reportedAt", "deadline", "acceptedAt", "rectifiedAt", "closedAt", "parkedAt"] as const;

/** An event the indicators count, as the statement below returns it: its time in Unix milliseconds. */
interface EventRow {
  issueId: number;
  type: string;
  at: number;
  /** A park event's kind ("parked" | "deferred"); null for the others. */
  kind: string | null;
}

/** An issue as the durations and the indicators read it, with its indicator events in the period. */
type SteppedIssue = DurationFacts & IssueHistory;

function dateOf(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function steppedIssue(
  row: StepRow,
  status: IssueStatus,
  events: readonly HistoryEvent[],
  limitUnit: LimitUnit | null,
): SteppedIssue {
  return {
    status,
    reportedAt: new Date(row.reportedAt),
    deadline: dateOf(row.deadline),
    acceptedAt: dateOf(row.acceptedAt),
    rectifiedAt: dateOf(row.rectifiedAt),
    closedAt: dateOf(row.closedAt),
    parkedAt: dateOf(row.parkedAt),
    limitUnit,
    events,
  };
}

/** What the issues placed alike add to each unit they count for: their durations' hours, their history's counts. */
type Placement = Pick<Tally, "hours" | "history">;

/**
 * What each issue with a step or an indicator event in the period adds: its durations, its history's counts. Issues
 * placed alike count for the same units, so they are summed per placement (containersOf's very list) here, to be
 * added to those units once per placement rather than once per issue. The issues are read a page at a time.
 */
async function stepTallies(
  db: Client,
  scope: Scope,
  period: Period,
  t: Date,
  counting: CountingOptions,
  containersOf: (issue: Placed) => readonly number[],
  pageRows: number,
): Promise<Map<readonly number[], Placement>> {
  const limitUnitOf = limitUnitLookup(await orgOf(db));
  const tallyIssue = issueTallier(period, t);
  const placements = new Map<readonly number[], Placement>();
  for await (const { issues, eventsOf } of stepPages(db, scope, period, pageRows)) {
    for (const row of issues) {
      const containers = containersOf(row);
      if (containers.length === 0 || !isStatus(row.status)) continue;
      const events = eventsOf.get(row.id) ?? [];
      const issue = steppedIssue(row, row.status, events, limitUnitOf(row.categoryId, row.gridId));
      let placed = placements.get(containers);
      if (!placed) {
        placed = { hours: mapDurations(() => []), history: emptyTally() };
        placements.set(containers, placed);
      }
      const hours = durationsEndingIn(issue, period, counting);
      for (const kind of DURATION_KINDS) {
        const h = hours[kind];
        if (h !== null) placed.hours[kind].push(h);
      }
      tallyIssue(issue, placed.history);
    }
  }
  return placements;
}

/**
 * Most issues whose steps {@link stepPages} reads at once. Reading costs about 1 KB of heap per row while a
 * statement's rows are turned into objects: a street's quarter (90,000 issues and 80,000 events) read at once took
 * some 100 MB.
 */
const STEP_PAGE_ROWS = 10_000;

/**
 * The issues of the scope whose durations or history in the period may count (durationsEndingIn and issueTallier
 * decide), with their indicator events in the period, in pages of at most `pageRows` issues: the issues accepted,
 * rectified or closed in the period, and those with such an event in it. One statement, following the three times'
 * indexes, numbers the stepped issues' ids to find where each page starts; the period's events of counted issues are
 * read by their time in as many slices of the period as there are pages (so about as many rows at a time), and kept
 * by issue; then each page of the stepped issues by id, and last by id the few issues with such an event and no step
 * in the period. The cross-check tests fail if metrics.ts ever counts other issues. Written by hand to read the times
 * as numbers: Prisma's turning every time into a Date through text cost more than the statements (a city's month:
 * 55,000 issues and 46,000 events).
 */
async function* stepPages(db: Client, scope: Scope, period: Period, pageRows: number) {
  const { epochMs, jsonText } = dialectOf(db);
  const column = (table: string, name: string) => Prisma.raw(`"${table}"."${name}"`);
  const times = STEP_TIMES.map((time) => Prisma.sql`${epochMs(`"Issue"."${time}"`)} AS "${Prisma.raw(time)}"`);
  const columns = Prisma.join([...STEP_COLUMNS.map((name) => column("Issue", name)), ...times]);
  const within = (table: string, name: string, { from, to }: Period) =>
    Prisma.sql`(${column(table, name)} >= ${from} AND ${column(table, name)} < ${to})`;
  const stepped = Prisma.sql`${scope.sql} AND (${Prisma.join(
    (["acceptedAt", "rectifiedAt", "closedAt"] as const).map((time) => within("Issue", time, period)),
    " OR ",
  )})`;
  const rows = Math.max(1, Math.floor(pageRows));
  // The stepped issues' ids in order, numbered: the first of each page, and the last of all.
  const starts = await db.$queryRaw<{ id: number; n: number }[]>`
    SELECT "id", "n" FROM (
      SELECT "Issue"."id", CAST(ROW_NUMBER() OVER (ORDER BY "Issue"."id") AS INTEGER) AS "n",
        COUNT(*) OVER () AS "total"
      FROM "Issue" WHERE ${stepped}
    ) AS "numbered"
    WHERE ("n" - 1) % ${Prisma.raw(String(rows))} = 0 OR "n" = "total" ORDER BY "id"`;
  const firsts = starts.filter((s) => (s.n - 1) % rows === 0).map((s) => s.id);
  const last = starts.at(-1)?.id;

  // Only a park event's data says anything the indicators read (its kind).
  const kind = jsonText(`"IssueEvent"."data"`, "kind");
  const eventsOf = new Map<number, HistoryEvent[]>();
  const from = period.from.getTime();
  const span = period.to.getTime() - from;
  const slices = Math.max(1, firsts.length);
  for (let i = 0; i < slices; i++) {
    const slice = {
      from: new Date(from + Math.floor((span * i) / slices)),
      to: i === slices - 1 ? period.to : new Date(from + Math.floor((span * (i + 1)) / slices)),
    };
    const events = await db.$queryRaw<EventRow[]>`
      SELECT "IssueEvent"."issueId", "IssueEvent"."type", ${epochMs(`"IssueEvent"."at"`)} AS "at",
        CASE WHEN "IssueEvent"."type" = 'park' THEN ${kind} END AS "kind"
      FROM "IssueEvent" JOIN "Issue" ON "Issue"."id" = "IssueEvent"."issueId"
      WHERE "IssueEvent"."type" IN (${Prisma.join(INDICATOR_EVENTS)}) AND ${within("IssueEvent", "at", slice)}
        AND "Issue"."status" NOT IN (${Prisma.join([...NOT_FOUND])}) AND ${scope.sql}`;
    for (const e of events) {
      const event = { type: e.type, at: new Date(e.at), kind: e.kind };
      const list = eventsOf.get(e.issueId);
      if (list) list.push(event);
      else eventsOf.set(e.issueId, [event]);
    }
  }

  const unread = new Set(eventsOf.keys());
  for (const [i, first] of firsts.entries()) {
    const next = firsts[i + 1];
    // One page (a community's digest, most scopes) is read by the times' indexes alone: an id range there would let
    // the planner walk the primary key from the first stepped issue to the last, most of a city's table.
    const page =
      firsts.length === 1
        ? Prisma.empty
        : Prisma.sql`"Issue"."id" >= ${first} AND "Issue"."id" ${next === undefined ? Prisma.sql`<= ${last}` : Prisma.sql`< ${next}`} AND`;
    const issues = await db.$queryRaw<StepRow[]>`SELECT ${columns} FROM "Issue" WHERE ${page} ${stepped}`;
    for (const issue of issues) unread.delete(issue.id);
    yield { issues, eventsOf };
  }
  const others = await inChunks(
    [...unread],
    (ids) => db.$queryRaw<StepRow[]>`SELECT ${columns} FROM "Issue" WHERE "Issue"."id" IN (${Prisma.join(ids)})`,
  );
  yield { issues: others, eventsOf };
}

function finish(
  unit: UnitNode,
  t: Tally,
  categories: Map<number, CategoryInfo>,
  { period, asOf, observedAt }: { period: Period; asOf: Date; observedAt: Date },
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

  const durations = mapDurations((kind) => summarizeHours(t.hours[kind]));
  const found = sum(t.byCategory.values());
  const open = sum(Object.values(t.openByStatus));

  return {
    unit,
    period,
    asOf,
    observedAt,
    reported: sum(Object.values(t.byStatus)),
    byStatus: t.byStatus,
    found,
    byKind,
    byClass,
    byCategory,
    rectified: durations.rectification.count,
    closed: t.closed,
    open,
    openByStatus: t.openByStatus,
    overdue: t.overdue,
    awaitingVerification: t.openByStatus.rectified,
    rebound: t.rebound,
    rate: { closed: t.closed, open: t.rateOpen, rate: rectificationRate({ closed: t.closed, open: t.rateOpen }) },
    cumulativeRate: {
      closed: t.cumulativeClosed,
      // rateOpenAt(cumulative, t): every issue open at t was reported in the cumulative period, and the overdue
      // ones are open, so the term is the issues open at t, counted above.
      open,
      rate: rectificationRate({ closed: t.cumulativeClosed, open }),
    },
    durations,
    indicators: indicatorsOf({ filed: found, overdue: t.overdue }, t.history),
  };
}
