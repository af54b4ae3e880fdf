import { formatDecimal, formatDuration } from "../texts.ts";
import type { Period } from "./deadline.ts";
import { type IssueStatus, OPEN_STATUSES } from "./types.ts";

/** An issue as it stands at the moment of observation — what the headline numbers are computed from. */
export interface IssueSnapshot {
  status: IssueStatus;
  reportedAt: Date;
  deadline: Date | null;
  rectifiedAt: Date | null;
  closedAt: Date | null;
}

/** The two terms of the rectification rate. */
export interface RateCounts {
  /** Issues closed (销项) within the period. */
  closed: number;
  /** Issues still open at the moment of observation that are past their deadline or were reported in the period. */
  open: number;
}

/** Rectification-rate terms with the rate itself (null when there is nothing to measure). */
export interface RateResult extends RateCounts {
  rate: number | null;
}

/** Response times (发现 → 整改) over the issues rectified in a period, in hours; null averages when there are none. */
export interface ResponseStats {
  count: number;
  averageHours: number | null;
  medianHours: number | null;
}

/** The wording of both definitions, printed in the digest footer so readers know what the numbers mean. */
export const METRICS_DEFINITION =
  "整改率 = 期内销项数 ÷（期内销项数 + 期末未销项中已超期或期内新发现的问题数）；响应时长 = 整改时间 − 发现时间，按期内已整改问题平均";

const HOUR_MS = 3_600_000;

/** Statuses that no longer count as open: closed (销项) and the two side exits. */
const FINISHED: ReadonlySet<IssueStatus> = new Set(["closed", "rejected", "duplicate"]);

/** Statuses an issue that has been rectified can be in; refused fixes (back to accepted) do not count. */
const RECTIFIED: ReadonlySet<IssueStatus> = new Set(["rectified", "closed"]);

/** Whether `deadline` has passed at `at` (strictly: at the deadline itself there is still no delay). */
export function isPastDeadline(deadline: Date | null, at: Date): boolean {
  return deadline !== null && deadline.getTime() < at.getTime();
}

/**
 * Whether an issue is overdue (超期) at `at`: it is still open — 待派单, 待接单, 整改中 or 待验收 — and its deadline
 * has passed. The one definition behind the issue card, 待办, reminders and every figure. A fix awaiting
 * verification counts: the problem is not ticked off yet, and the rectification rate counts it as open and past
 * due (SPEC 3). Presenters say 待验收 beside it, so nobody chases a responder who has done the work.
 */
export function isOverdue(issue: { status: IssueStatus; deadline: Date | null }, at: Date): boolean {
  return OPEN_STATUSES.includes(issue.status) && isPastDeadline(issue.deadline, at);
}

function within(instant: Date | null, { from, to }: Period): boolean {
  return instant !== null && instant.getTime() >= from.getTime() && instant.getTime() < to.getTime();
}

/** 整改率 from its two terms: closed ÷ (closed + open), a fraction in [0, 1]; null when both are zero. */
export function rectificationRate({ closed, open }: RateCounts): number | null {
  const denominator = closed + open;
  return denominator === 0 ? null : closed / denominator;
}

/**
 * 整改率 over `period` observed at `asOf`, applying the one definition to issue snapshots taken at `asOf`: closed =
 * issues closed within the period; open = issues not closed, rejected or duplicate that are overdue at `asOf`
 * ({@link isOverdue}) or were reported within the period. This is the reference the database queries must agree with.
 */
export function rateOf(issues: readonly IssueSnapshot[], period: Period, asOf: Date): RateResult {
  let closed = 0;
  let open = 0;
  for (const issue of issues) {
    if (issue.status === "closed") {
      if (within(issue.closedAt, period)) closed++;
    } else if (isOverdue(issue, asOf) || (!FINISHED.has(issue.status) && within(issue.reportedAt, period))) {
      open++;
    }
  }
  return { closed, open, rate: rectificationRate({ closed, open }) };
}

/** 响应时长 of one issue: rectified time − reported time, in hours; null when it has not been rectified. */
export function responseHours(issue: Pick<IssueSnapshot, "reportedAt" | "rectifiedAt">): number | null {
  if (issue.rectifiedAt === null) return null;
  return (issue.rectifiedAt.getTime() - issue.reportedAt.getTime()) / HOUR_MS;
}

/**
 * Average and median 响应时长 over the issues rectified within `period` — those now rectified or closed whose
 * rectified time falls in the period.
 */
export function responseStats(issues: readonly IssueSnapshot[], period: Period): ResponseStats {
  const hours: number[] = [];
  for (const issue of issues) {
    const h = RECTIFIED.has(issue.status) && within(issue.rectifiedAt, period) ? responseHours(issue) : null;
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

/** A rate for people: 0.9321 → "93.2%", 1 → "100%", null → "—". */
export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${formatDecimal(rate * 100)}%`;
}

/** An average duration for people, given in hours: "42 分钟", "5.2 小时", "1.3 天"; null → "—". */
export function formatHours(hours: number | null): string {
  return hours === null ? "—" : formatDuration(hours * HOUR_MS, "average");
}
