import type { Period } from "./deadline.ts";
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
  /** When it was parked (挂账/缓办); null while it is not. */
  parkedAt: Date | null;
}

/** The recorded times a condition may look at. */
export type IssueTime = "reportedAt" | "deadline" | "rectifiedAt" | "closedAt" | "parkedAt";

/**
 * A condition on one issue, as data. A time comparison is false when the time is not recorded, unless `orUnset`
 * says it holds then.
 */
export type IssueCondition =
  | { all: readonly IssueCondition[] }
  | { any: readonly IssueCondition[] }
  | { status: readonly IssueStatus[] }
  | { time: IssueTime; op: "<" | "<=" | ">" | ">="; at: Date; orUnset?: boolean };

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

const HOUR_MS = 3_600_000;

/** Fewest issues in the rate's denominator for a unit to be ranked, unless a chat setting says otherwise. */
export const DEFAULT_MIN_RANKED_ISSUES = 3;

/** Statuses an issue that has been rectified can be in; refused fixes (back to accepted) do not count. */
const RECTIFIED: readonly IssueStatus[] = ["rectified", "closed"];
/** Statuses of an issue nobody has fixed yet. */
const UNFIXED: readonly IssueStatus[] = ["reported", "assigned", "accepted"];

/** Whether `deadline` has passed at `at` (strictly: at the deadline itself there is still no delay). */
export function isPastDeadline(deadline: Date | null, at: Date): boolean {
  return deadline !== null && deadline.getTime() < at.getTime();
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

/** Issues open (未销项) at `t`: reported by t, not rejected or duplicate, not closed by t. */
export function openAt(t: Date): IssueCondition {
  return {
    all: [
      { time: "reportedAt", op: "<=", at: t },
      {
        any: [
          { status: [...UNFIXED, "rectified"] },
          { all: [{ status: ["closed"] }, { time: "closedAt", op: ">", at: t }] },
        ],
      },
    ],
  };
}

/** Issues awaiting verification (待验收) at `t`: open at t, with the fix recorded by t. */
export function awaitingVerificationAt(t: Date): IssueCondition {
  return {
    all: [openAt(t), { status: RECTIFIED }, { time: "rectifiedAt", op: "<=", at: t, orUnset: true }],
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
  if (issue.reportedAt.getTime() > t.getTime()) return null;
  if (matches(awaitingVerificationAt(t), issue)) return "rectified";
  if (matches(inHandAt(t), issue)) return inHandStatus(issue.status);
  return issue.status;
}

/** Whether an issue meets a condition. */
export function matches(condition: IssueCondition, issue: IssueSnapshot): boolean {
  if ("all" in condition) return condition.all.every((c) => matches(c, issue));
  if ("any" in condition) return condition.any.some((c) => matches(c, issue));
  if ("status" in condition) return condition.status.includes(issue.status);
  const value = issue[condition.time];
  if (value === null) return condition.orUnset === true;
  const a = value.getTime();
  const b = condition.at.getTime();
  switch (condition.op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

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

/** An issue as the durations see it: its status now and the times of its report and of each later step. */
export interface DurationFacts extends Pick<IssueSnapshot, "status" | "reportedAt" | "rectifiedAt" | "closedAt"> {
  acceptedAt: Date | null;
}

/**
 * The three durations of an issue, each from its report to one later step (behaviour §8.3):
 *   - response (响应用时): report → 接单; an issue fixed without anyone pressing 接单 responded when it was fixed.
 *   - rectification (整改用时): report → 整改, for issues that still count as rectified (a refused fix does not).
 *   - completion (办结用时): report → 销项 (verified and closed).
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

/** One duration of one issue in hours; null when its end step has not happened. */
export function durationHours(issue: DurationFacts, kind: DurationKind): number | null {
  const end = durationEnd(issue, kind);
  return end === null ? null : (end.getTime() - issue.reportedAt.getTime()) / HOUR_MS;
}

/** Average and median of one duration over the issues whose end step falls within `period`. */
export function durationStats(issues: readonly DurationFacts[], period: Period, kind: DurationKind): DurationStats {
  const hours: number[] = [];
  for (const issue of issues) {
    const h = within(durationEnd(issue, kind), period) ? durationHours(issue, kind) : null;
    if (h !== null) hours.push(h);
  }
  if (hours.length === 0) return { count: 0, averageHours: null, medianHours: null };
  hours.sort((a, b) => a - b);
  // The two middle values coincide when the count is odd.
  const lower = hours[Math.floor((hours.length - 1) / 2)] ?? 0;
  const upper = hours[Math.floor(hours.length / 2)] ?? 0;
  return {
    count: hours.length,
    averageHours: hours.reduce((sum, h) => sum + h, 0) / hours.length,
    medianHours: (lower + upper) / 2,
  };
}

/** A record with one value per duration. */
export function mapDurations<T>(value: (kind: DurationKind) => T): Record<DurationKind, T> {
  return Object.fromEntries(DURATION_KINDS.map((kind) => [kind, value(kind)])) as Record<DurationKind, T>;
}

/** All three durations over one period. */
export function durationsIn(issues: readonly DurationFacts[], period: Period): Durations {
  return mapDurations((kind) => durationStats(issues, period, kind));
}
