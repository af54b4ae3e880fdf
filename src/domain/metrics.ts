import { type CountingOptions, elapsedHours, type LimitUnit, type Period } from "./deadline.ts";
import type { IssueStatus } from "./types.ts";

/**
 * The one definition of every headline number (behaviour §2): which issues are open, awaiting verification or
 * overdue at an instant, the rectification rate and the three durations (响应用时, 整改用时, 办结用时). The
 * conditions are data ({@link IssueCondition}): {@link matches} applies them to an issue in memory, and
 * src/reports/stats.ts turns the very same objects into database filters and only counts, so the SQL figures cannot
 * drift from this file.
 *
 * State at an instant t ("as of t"): an issue's state at t is read from its recorded times. An issue reported after
 * t does not exist yet at t; an issue closed after t was still open at t; a fix recorded after t had not happened.
 *   - open at t (未销项): reported by t, not rejected or duplicate, and not closed by t. Rejected (不予受理) and
 *     duplicate (重复) issues are never open, at any instant: like 发现, the figures leave out what turned out not to
 *     be a (separate) problem, even when that was decided after t.
 *   - awaiting verification at t (待验收): open at t with its fix (rectified time) recorded by t.
 *   - in hand at t (待派单、待接单、整改中): open at t and not awaiting verification.
 *   - overdue at t (超期): in hand at t with a deadline before t, and not parked (挂账/缓办) at t. An issue awaiting
 *     verification is not overdue: the responder has done their part; a parked one waits, approved, for its date
 *     (behaviour §2.17).
 * Times "by t" include t itself, so an issue filed at the moment of observation counts. A fix sent back (驳回) or a
 * deadline changed after t is taken as it stands now, since the issue keeps only its latest rectified time and
 * deadline; so is parking: an issue parked now counts as parked since its parkedAt, one that came back as never
 * parked.
 */

/** An issue as the definitions see it: its status now and its recorded times. */
export interface IssueSnapshot {
  status: IssueStatus;
  reportedAt: Date;
  deadline: Date | null;
  rectifiedAt: Date | null;
  closedAt: Date | null;
  /** When it was parked (挂账/缓办); null (or absent) while it is not. */
  parkedAt?: Date | null;
}

/** The recorded times a condition may look at. */
export type IssueTime = "reportedAt" | "deadline" | "rectifiedAt" | "closedAt" | "parkedAt";

/**
 * A condition on one issue, as data. A time comparison is false when the time is not recorded, unless `orUnset`
 * says it holds then. A `broad` one holds for nearly every issue that has the time (reported by now, closed before
 * now): a database should not look issues up by it, only check it.
 */
export type IssueCondition =
  | { all: readonly IssueCondition[] }
  | { any: readonly IssueCondition[] }
  | { status: readonly IssueStatus[] }
  | { time: IssueTime; op: "<" | "<=" | ">" | ">="; at: Date; orUnset?: boolean; broad?: boolean };

/** The two terms of the rectification rate. */
export interface RateCounts {
  /** Issues closed (销项) within the period. */
  closed: number;
  /** Issues open at the period's observation instant that are overdue then or were reported within the period. */
  open: number;
}

/** Rectification-rate terms with the rate itself (null when there is nothing to measure). */
export interface RateResult extends RateCounts {
  rate: number | null;
}

/** The counts a unit's figures lead with, on the board and the ledger cover. */
export interface HeadCounts {
  found: number;
  rectified: number;
  closed: number;
  open: number;
  overdue: number;
  /** Open and awaiting verification (待验收). */
  awaiting: number;
}

/** One duration (DURATION_KINDS) over the issues that reached its end step in a period, in hours; null when none did. */
export interface DurationStats {
  count: number;
  averageHours: number | null;
  medianHours: number | null;
}

/** Fewest issues in the rate's denominator for a unit to be ranked, unless a chat setting says otherwise. */
export const DEFAULT_MIN_RANKED_ISSUES = 3;

/** Statuses an issue that has been rectified can be in; refused fixes (back to accepted) do not count. */
const RECTIFIED: readonly IssueStatus[] = ["rectified", "closed"];
/** Statuses of an issue nobody has fixed yet. */
const UNFIXED: readonly IssueStatus[] = ["reported", "assigned", "accepted"];

/**
 * Whether `deadline` has passed at `at`, both Unix milliseconds (strictly: at the deadline itself there is still no
 * delay).
 */
export function isPastDeadline(deadline: number | null, at: number): boolean {
  return deadline !== null && deadline < at;
}

function within(instant: Date | null, { from, to }: Period): boolean {
  return instant !== null && instant.getTime() >= from.getTime() && instant.getTime() < to.getTime();
}

/**
 * The instant a period's state is observed at: `asOf` (normally now), but no later than the period's last
 * millisecond, so a past period is judged as it stood when it ended.
 */
export function observationInstant(period: Period, asOf: Date): Date {
  return new Date(Math.min(asOf.getTime(), period.to.getTime() - 1));
}

/** Issues reported within the period. */
export function reportedIn({ from, to }: Period): IssueCondition {
  return {
    all: [
      { time: "reportedAt", op: ">=", at: from },
      { time: "reportedAt", op: "<", at: to },
    ],
  };
}

/** Issues closed (销项) within the period. */
export function closedIn({ from, to }: Period): IssueCondition {
  return {
    all: [{ status: ["closed"] }, { time: "closedAt", op: ">=", at: from }, { time: "closedAt", op: "<", at: to }],
  };
}

/** Issues closed (销项) before `t`, whenever: the cumulative 销项. */
export function closedBefore(t: Date): IssueCondition {
  return { all: [{ status: ["closed"] }, { time: "closedAt", op: "<", at: t, broad: true }] };
}

/** Issues reported by `t` (at t included): every issue that exists at t. */
const reportedBy = (t: Date): IssueCondition => ({ time: "reportedAt", op: "<=", at: t, broad: true });

/** Issues closed now but not yet at `t`. */
function closedAfter(t: Date): IssueCondition {
  return { all: [{ status: ["closed"] }, { time: "closedAt", op: ">", at: t }] };
}

/** Issues open (未销项) at `t`: reported by t, not rejected or duplicate, not closed by t. */
export function openAt(t: Date): IssueCondition {
  return {
    all: [reportedBy(t), { any: [{ status: [...UNFIXED, "rectified"] }, closedAfter(t)] }],
  };
}

/**
 * Issues awaiting verification (待验收) at `t`: open at t, with the fix recorded by t. Of the issues open at t only
 * those rectified or closed since t can be, so the condition says so directly: a database then follows its status
 * indexes rather than reading every closed issue.
 */
export function awaitingVerificationAt(t: Date): IssueCondition {
  return {
    all: [
      reportedBy(t),
      { any: [{ status: ["rectified"] }, closedAfter(t)] },
      { time: "rectifiedAt", op: "<=", at: t, orUnset: true },
    ],
  };
}

/** Issues in hand (待派单、待接单、整改中) at `t`: open at t and not awaiting verification. */
export function inHandAt(t: Date): IssueCondition {
  return { all: [openAt(t), { any: [{ status: UNFIXED }, { time: "rectifiedAt", op: ">", at: t }] }] };
}

/**
 * The status an issue in hand at some instant had then, from its status now: the same while nobody has fixed it,
 * 整改中 (accepted) when it has been fixed since.
 */
export function inHandStatus(statusNow: IssueStatus): IssueStatus {
  return UNFIXED.includes(statusNow) ? statusNow : "accepted";
}

/** Issues parked (挂账/缓办) at `t`: parked now, since t or before. */
export function parkedAt(t: Date): IssueCondition {
  return { time: "parkedAt", op: "<=", at: t };
}

/** Issues overdue (超期) at `t`: in hand at t with a deadline before t, not parked at t. */
export function overdueAt(t: Date): IssueCondition {
  return {
    all: [inHandAt(t), { time: "deadline", op: "<", at: t }, { time: "parkedAt", op: ">", at: t, orUnset: true }],
  };
}

/** Issues waiting for dispatch (待派单) at `t`: in hand and given to nobody yet. */
export function waitingDispatchAt(t: Date): IssueCondition {
  return { all: [inHandAt(t), { status: ["reported"] }] };
}

/**
 * Issues in hand and not parked at `t` with a deadline in [from, to): with `from` = t and `to` the end of t's day,
 * those due today and not yet fixed (今日到期未完成) — next to the overdue ones, whose deadline is before t; with
 * tomorrow's day, those due tomorrow (明日到期).
 */
export function dueInHandAt(t: Date, { from, to }: Period): IssueCondition {
  return {
    all: [
      inHandAt(t),
      { time: "deadline", op: ">=", at: from },
      { time: "deadline", op: "<", at: to },
      { time: "parkedAt", op: ">", at: t, orUnset: true },
    ],
  };
}

/** Issues in hand and parked (挂账/缓办) at `t`: the digest's and the ledger's 挂账 list (behaviour §2.17, §7.6). */
export function parkedInHandAt(t: Date): IssueCondition {
  return { all: [inHandAt(t), parkedAt(t)] };
}

/**
 * The issues of the rate's "open" term for a period observed at `t` (see {@link observationInstant}): overdue at t,
 * or open at t and reported within the period.
 */
export function rateOpenAt(period: Period, t: Date): IssueCondition {
  return { any: [overdueAt(t), { all: [openAt(t), reportedIn(period)] }] };
}

/**
 * The issues a ledger (台账) of `period` observed at `t` lists: every issue its figures count — reported in the period
 * (发现, and those not accepted), open at t (未销项, 超期, 待验收, the rate's open term), or closed in the period (销项;
 * every issue rectified in the period is open at t or closed in it). So each figure of the ledger's cover can be
 * counted from its rows.
 */
export function ledgerRowsAt(period: Period, t: Date): IssueCondition {
  return { any: [reportedIn(period), openAt(t), closedIn(period)] };
}

/**
 * The status an issue had at `t`, from its status now and its recorded times: 待验收 when awaiting verification then,
 * its in-hand status (inHandStatus) when in hand then, otherwise its status now (closed by t, rejected or duplicate).
 * Null when it was reported after t.
 */
export function statusAt(issue: IssueSnapshot, t: Date): IssueStatus | null {
  return statusTestAt(t)(issue);
}

/** {@link statusAt} at `t` as a function of the issue, its conditions built once: for the many rows of a ledger. */
export function statusTestAt(t: Date): (issue: IssueSnapshot) => IssueStatus | null {
  const at = t.getTime();
  const awaiting = conditionTest(awaitingVerificationAt(t));
  const inHand = conditionTest(inHandAt(t));
  return (issue) => {
    if (issue.reportedAt.getTime() > at) return null;
    if (awaiting(issue)) return "rectified";
    if (inHand(issue)) return inHandStatus(issue.status);
    return issue.status;
  };
}

/** Whether an issue meets a condition. */
export function matches(condition: IssueCondition, issue: IssueSnapshot): boolean {
  return conditionTest(condition)(issue);
}

/**
 * A condition as a function of the issue, built once: what {@link matches} asks of one issue, for testing many
 * (the statistics test every issue of a city's month).
 */
export function conditionTest(condition: IssueCondition): (issue: IssueSnapshot) => boolean {
  if ("all" in condition) {
    const tests = condition.all.map(conditionTest);
    return (issue) => tests.every((test) => test(issue));
  }
  if ("any" in condition) {
    const tests = condition.any.map(conditionTest);
    return (issue) => tests.some((test) => test(issue));
  }
  if ("status" in condition) {
    const statuses: ReadonlySet<IssueStatus> = new Set(condition.status);
    return (issue) => statuses.has(issue.status);
  }
  const { time, orUnset = false } = condition;
  const b = condition.at.getTime();
  const compare = COMPARISONS[condition.op];
  return (issue) => {
    const value = issue[time];
    return value === null || value === undefined ? orUnset : compare(value.getTime(), b);
  };
}

const COMPARISONS: Record<"<" | "<=" | ">" | ">=", (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/**
 * The facts overdue depends on; the times not given are taken as reported long ago and never rectified, closed or
 * parked.
 */
export type OverdueFacts = Pick<IssueSnapshot, "status" | "deadline"> &
  Partial<Pick<IssueSnapshot, "reportedAt" | "rectifiedAt" | "closedAt" | "parkedAt">>;

/**
 * Whether an issue is overdue (超期) at `at`: in hand (reported, assigned or accepted, or fixed only after `at`)
 * with a deadline before `at`, not parked by then. An issue awaiting verification is not overdue. For an issue as it
 * stands now and `at` = now this is: status 待派单/待接单/整改中, not parked, and deadline < now.
 */
export function isOverdueAt(issue: OverdueFacts, at: Date): boolean {
  return matches(overdueAt(at), {
    status: issue.status,
    deadline: issue.deadline,
    reportedAt: issue.reportedAt ?? new Date(-8.64e15),
    rectifiedAt: issue.rectifiedAt ?? null,
    closedAt: issue.closedAt ?? null,
    parkedAt: issue.parkedAt ?? null,
  });
}

/** 整改率 from its two terms: closed ÷ (closed + open), a fraction in [0, 1]; null when both are zero. */
export function rectificationRate({ closed, open }: RateCounts): number | null {
  const denominator = closed + open;
  return denominator === 0 ? null : closed / denominator;
}

/**
 * An issue as the durations see it: its status now, the times of its report and of each later step, and the unit of
 * its time limit (issueLimit in src/db/org-queries.ts: the street's for the category, else the category's; null
 * without a category), which its durations are counted in.
 */
export interface DurationFacts extends Pick<IssueSnapshot, "status" | "reportedAt" | "rectifiedAt" | "closedAt"> {
  acceptedAt: Date | null;
  limitUnit: LimitUnit | null;
}

/**
 * The three durations of an issue, each from its report to one later step (behaviour §8.3):
 *   - response (响应用时): report → 接单; an issue fixed without anyone pressing 接单 responded when it was fixed.
 *   - rectification (整改用时): report → 整改, for issues that still count as rectified (a refused fix does not).
 *   - completion (办结用时): report → 销项 (verified and closed).
 * Each is counted in hours as the issue's time limit counts (behaviour §8.7, elapsedHours): in office hours on
 * working days for 工作时, round the clock on working days for 工作日, round the clock for 自然时, 自然日 and an issue
 * without a category. So a duration compares with its limit: an issue of 2 工作时 fixed in time took at most 2 h.
 */
export const DURATION_KINDS = ["response", "rectification", "completion"] as const;
export type DurationKind = (typeof DURATION_KINDS)[number];

/** Every duration's figures over one period. */
export type Durations = Record<DurationKind, DurationStats>;

/** The instant a duration ends at, as the issue stands now; null when that step has not (or no longer) happened. */
function durationEnd(issue: DurationFacts, kind: DurationKind): Date | null {
  switch (kind) {
    case "response":
      return issue.acceptedAt ?? (RECTIFIED.includes(issue.status) ? issue.rectifiedAt : null);
    case "rectification":
      return RECTIFIED.includes(issue.status) ? issue.rectifiedAt : null;
    case "completion":
      return issue.status === "closed" ? issue.closedAt : null;
  }
}

/**
 * One duration of one issue in hours, counted in its limit's unit with `counting` (time zone, office hours); null when
 * its end step has not happened.
 */
export function durationHours(issue: DurationFacts, kind: DurationKind, counting: CountingOptions): number | null {
  const end = durationEnd(issue, kind);
  return end === null ? null : elapsedHours(issue.reportedAt, end, issue.limitUnit ?? "natural_hours", counting);
}

/**
 * Each duration of one issue in hours when its end step falls within `period`, else null: what the issue adds to
 * the durations of every unit it counts for (so a unit's figures need not count it again).
 */
export function durationsEndingIn(
  issue: DurationFacts,
  period: Period,
  counting: CountingOptions,
): Record<DurationKind, number | null> {
  return mapDurations((kind) =>
    within(durationEnd(issue, kind), period) ? durationHours(issue, kind, counting) : null,
  );
}

/** Count, average and median of some durations in hours; null average and median when none. */
export function summarizeHours(hours: readonly number[]): DurationStats {
  if (hours.length === 0) return { count: 0, averageHours: null, medianHours: null };
  // A typed array sorts numerically without a comparator call per pair (a street has thousands of durations).
  const sorted = Float64Array.from(hours).sort();
  // The two middle values coincide when the count is odd.
  const lower = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const upper = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return {
    count: sorted.length,
    averageHours: sorted.reduce((sum, h) => sum + h, 0) / sorted.length,
    medianHours: (lower + upper) / 2,
  };
}

/** A record with one value per duration. */
export function mapDurations<T>(value: (kind: DurationKind) => T): Record<DurationKind, T> {
  // Spelled out rather than built from DURATION_KINDS: it runs for every issue of a city's month.
  return { response: value("response"), rectification: value("rectification"), completion: value("completion") };
}

/*
 * Campaign indicators (考核指标) as digital city-management platforms define them (GB/T 30428), behaviour §8.6 and
 * docs/indicators.md. For a unit, a period P = [from, to) and its observation instant t:
 *   - 立案数 (filed): issues reported in P, not rejected (不予受理) and not merged (重复) — the figures' 发现.
 *   - 处置 (disposed, D): issues with a 整改 (rectify event) in P. 按期处置 (on time): the last rectification in P
 *     at or before the deadline as it stands (an approved 延期 moves it; no deadline = on time).
 *   - 超期 at t (O): overdue at t, as {@link overdueAt}.
 *   - 应处置数 = |D ∪ O|: what had to be fixed in P — fixed in it, or still unfixed past its deadline at t.
 *   - 结案 (closed, C): issues closed (销项, after 核查) in P. 按期结案: closed at or before the deadline.
 *   - 应结案数 = |D ∪ C ∪ O|: rectified in P, closed in P, or overdue in rectification at t.
 *   - 处置率 = 处置数 ÷ 应处置数; 按期处置率 = 按期处置数 ÷ 应处置数; 结案率 = 结案数 ÷ 应结案数; 按期结案率 =
 *     按期结案数 ÷ 应结案数; each null when its denominator is 0.
 *   - 返工数: 驳回 of a rectification (refuse events) in P, each counted; 返工率 = 返工数 ÷ 处置数 (null when nothing
 *     was disposed; above 1 when a fix is sent back more often than issues are fixed).
 *   - 延期数: approved extensions (approve_extension events) in P; 挂账数: issues parked (park events of kind
 *     "parked") in P.
 *   - 超期数: now (at t) = |O|; ever (期内曾超期) = |O ∪ D late|, also counting issues fixed in P after their deadline.
 *   - 综合指标值 = 按期处置率 × 60 + 结案率 × 30 + (1 − 返工率) × 10 (weights: {@link CompositeWeights}); a rate
 *     with nothing to measure counts in full (nothing was owed), 返工率 is capped at 1 (and counts 1 when issues
 *     were sent back but none fixed); null when 应结案数 is 0.
 * Rejected and merged issues count nowhere, whatever their history. Events are read only within P, so later events
 * do not change a past period; open and overdue at t are read from the issue's recorded times, as §8.4 says.
 */

/** The history events the indicators count (IssueEvent.type is the action's name). */
export const INDICATOR_EVENTS = ["rectify", "refuse", "approve_extension", "park"] as const;
export type IndicatorEvent = (typeof INDICATOR_EVENTS)[number];

/** One event of an issue's history as the indicators see it; `kind` is a park event's "parked" | "deferred". */
export interface HistoryEvent {
  type: string;
  at: Date;
  kind?: string | null;
}

/** An issue with its history events (at least those within the period). */
export interface IssueHistory extends IssueSnapshot {
  events: readonly HistoryEvent[];
}

/** The weights of 综合指标值, in points: each rate in [0, 1] times its weight. */
export interface CompositeWeights {
  onTimeDisposal: number;
  closure: number;
  noRework: number;
}

/** The weighting digital city-management platforms rank departments by (see above). */
export const DEFAULT_COMPOSITE_WEIGHTS: CompositeWeights = { onTimeDisposal: 60, closure: 30, noRework: 10 };

/** How a ranking scores and flags units (configuration, per chat): the weights of 综合指标值 and the thresholds. */
export interface RankingScoring {
  weights: CompositeWeights;
  /** 🚩 only for a value at least this; null: the best always. */
  redFlagAtLeast: number | null;
  /** 🟨 only for a value below this; null: the worst always. */
  yellowCardBelow: number | null;
}

/** The scoring unless a chat's settings say otherwise. */
export const DEFAULT_RANKING_SCORING: RankingScoring = {
  weights: DEFAULT_COMPOSITE_WEIGHTS,
  redFlagAtLeast: null,
  yellowCardBelow: null,
};

/** What the issues with history in a period add to the indicators, beside the two counts read as conditions. */
export interface HistoryTally {
  disposed: number;
  disposedOnTime: number;
  closed: number;
  closedOnTime: number;
  /** |D ∪ C|. */
  disposedOrClosed: number;
  /** |D ∩ O|, |(D ∪ C) ∩ O|, |D late ∩ O|: what the unions must not count twice. */
  disposedOverdue: number;
  disposedOrClosedOverdue: number;
  lateOverdue: number;
  /** |D late|. */
  late: number;
  rework: number;
  extensions: number;
  parked: number;
}

/** The counts of the indicators. */
export interface IndicatorCounts {
  filed: number;
  dueDisposal: number;
  disposed: number;
  disposedOnTime: number;
  dueClosure: number;
  closed: number;
  closedOnTime: number;
  rework: number;
  extensions: number;
  parked: number;
  overdueNow: number;
  overdueEver: number;
}

/** The indicators of one unit and period: counts, rates in [0, 1] (null: nothing to measure) and 综合指标值. */
export interface Indicators extends IndicatorCounts {
  disposalRate: number | null;
  onTimeDisposalRate: number | null;
  closureRate: number | null;
  onTimeClosureRate: number | null;
  reworkRate: number | null;
  composite: number | null;
}

const NEVER_COUNTED: readonly IssueStatus[] = ["rejected", "duplicate"];
/** Statuses of issues the indicators count: all but rejected (不予受理) and merged (重复). */
const COUNTED: readonly IssueStatus[] = [...UNFIXED, ...RECTIFIED];

/** Whether `at` is on time for `deadline` (no deadline is always on time). */
function onTime(at: Date, deadline: Date | null): boolean {
  return deadline === null || at.getTime() <= deadline.getTime();
}

const TALLY_KEYS = [
  "disposed",
  "disposedOnTime",
  "closed",
  "closedOnTime",
  "disposedOrClosed",
  "disposedOverdue",
  "disposedOrClosedOverdue",
  "lateOverdue",
  "late",
  "rework",
  "extensions",
  "parked",
] as const satisfies readonly (keyof HistoryTally)[];

/** No contribution: every count 0. */
export function emptyTally(): HistoryTally {
  return {
    disposed: 0,
    disposedOnTime: 0,
    closed: 0,
    closedOnTime: 0,
    disposedOrClosed: 0,
    disposedOverdue: 0,
    disposedOrClosedOverdue: 0,
    lateOverdue: 0,
    late: 0,
    rework: 0,
    extensions: 0,
    parked: 0,
  };
}

/** Adds every count of `part` to `into`. */
export function addTally(into: HistoryTally, part: HistoryTally): void {
  for (const key of TALLY_KEYS) into[key] += part[key];
}

/**
 * Adds what one issue contributes to the indicators through its history in `period`, observed at `t`, to a tally:
 * a function of the issue and the tally, whose conditions are built once for all the issues of a period.
 */
export function issueTallier(period: Period, t: Date): (issue: IssueHistory, tally: HistoryTally) => void {
  const overdueAtT = conditionTest(overdueAt(t));
  const closedInPeriod = conditionTest(closedIn(period));
  return (issue, tally) => {
    if (NEVER_COUNTED.includes(issue.status)) return;
    let lastFix: Date | null = null;
    for (const event of issue.events) {
      if (!within(event.at, period)) continue;
      if (event.type === "rectify") {
        if (lastFix === null || event.at.getTime() > lastFix.getTime()) lastFix = event.at;
      } else if (event.type === "refuse") tally.rework++;
      else if (event.type === "approve_extension") tally.extensions++;
      else if (event.type === "park" && event.kind === "parked") tally.parked++;
    }
    const overdue = overdueAtT(issue) ? 1 : 0;
    const closed = closedInPeriod(issue);
    if (lastFix !== null) {
      const late = onTime(lastFix, issue.deadline) ? 0 : 1;
      tally.disposed += 1;
      tally.disposedOnTime += 1 - late;
      tally.late += late;
      tally.lateOverdue += late * overdue;
      tally.disposedOverdue += overdue;
    }
    if (closed) {
      tally.closed += 1;
      tally.closedOnTime += issue.closedAt !== null && onTime(issue.closedAt, issue.deadline) ? 1 : 0;
    }
    if (lastFix !== null || closed) {
      tally.disposedOrClosed += 1;
      tally.disposedOrClosedOverdue += overdue;
    }
  };
}

/** What issues contribute to the indicators through their history in `period`, observed at `t`. */
export function historyTally(issues: Iterable<IssueHistory>, period: Period, t: Date): HistoryTally {
  const tally = emptyTally();
  const tallyIssue = issueTallier(period, t);
  for (const issue of issues) tallyIssue(issue, tally);
  return tally;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * The indicators from the filed and overdue counts (conditions {@link reportedIn} less rejected and merged, and
 * {@link overdueAt}) and the history tally, weighted by `weights` (definitions above).
 */
export function indicatorsOf(
  counts: { filed: number; overdue: number },
  tally: HistoryTally,
  weights: CompositeWeights = DEFAULT_COMPOSITE_WEIGHTS,
): Indicators {
  const { overdue } = counts;
  const dueDisposal = tally.disposed + overdue - tally.disposedOverdue;
  const dueClosure = tally.disposedOrClosed + overdue - tally.disposedOrClosedOverdue;
  const counted: IndicatorCounts = {
    filed: counts.filed,
    dueDisposal,
    disposed: tally.disposed,
    disposedOnTime: tally.disposedOnTime,
    dueClosure,
    closed: tally.closed,
    closedOnTime: tally.closedOnTime,
    rework: tally.rework,
    extensions: tally.extensions,
    parked: tally.parked,
    overdueNow: overdue,
    overdueEver: overdue + tally.late - tally.lateOverdue,
  };
  return {
    ...counted,
    disposalRate: ratio(tally.disposed, dueDisposal),
    onTimeDisposalRate: ratio(tally.disposedOnTime, dueDisposal),
    closureRate: ratio(tally.closed, dueClosure),
    onTimeClosureRate: ratio(tally.closedOnTime, dueClosure),
    reworkRate: ratio(tally.rework, tally.disposed),
    composite: compositeIndex(counted, weights),
  };
}

/**
 * 综合指标值 = 按期处置率 × 60 + 结案率 × 30 + (1 − 返工率) × 10 with the default weights (definitions above): a rate
 * with nothing to measure counts in full, 返工率 is capped at 1; null when 应结案数 is 0.
 */
export function compositeIndex(
  i: Pick<IndicatorCounts, "dueDisposal" | "disposedOnTime" | "dueClosure" | "closed" | "disposed" | "rework">,
  weights: CompositeWeights = DEFAULT_COMPOSITE_WEIGHTS,
): number | null {
  if (i.dueClosure === 0) return null;
  const reworkShare = i.disposed === 0 ? Math.min(1, i.rework) : Math.min(1, i.rework / i.disposed);
  return (
    (ratio(i.disposedOnTime, i.dueDisposal) ?? 1) * weights.onTimeDisposal +
    (ratio(i.closed, i.dueClosure) ?? 1) * weights.closure +
    (1 - reworkShare) * weights.noRework
  );
}

/** Issues that count as filed (立案) in `period`: reported in it, not rejected or merged. */
export function filedIn(period: Period): IssueCondition {
  return { all: [reportedIn(period), { status: COUNTED }] };
}

/** The indicators of a set of issues in memory (every issue of the unit that may count), for `period` observed at `t`. */
export function indicatorsIn(
  issues: readonly IssueHistory[],
  period: Period,
  t: Date,
  weights: CompositeWeights = DEFAULT_COMPOSITE_WEIGHTS,
): Indicators {
  const filed = issues.filter((i) => matches(filedIn(period), i)).length;
  const overdue = issues.filter((i) => matches(overdueAt(t), i)).length;
  return indicatorsOf({ filed, overdue }, historyTally(issues, period, t), weights);
}
