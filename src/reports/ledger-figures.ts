/**
 * The ledger cover's figures, counted from the very rows the ledger lists (ledgerRowsAt in src/domain/metrics.ts)
 * as they are read, with the conditions of src/domain/metrics.ts applied in memory — the definitions stats.ts turns
 * into SQL. So the cover agrees with its rows by construction, and with 统计 and the digest by definition.
 */

import type { CountingOptions, LimitUnit, Period } from "../domain/deadline.ts";
import {
  awaitingVerificationAt,
  closedIn,
  DURATION_KINDS,
  durationsEndingIn,
  type IssueSnapshot,
  mapDurations,
  matches,
  openAt,
  overdueAt,
  rateOpenAt,
  rectificationRate,
  reportedIn,
  summarizeHours,
} from "../domain/metrics.ts";
import type { UnitStats } from "./stats.ts";

/** What the cover shows about a unit's period: the figures of stats.ts it prints, counted from the rows. */
export type LedgerFigures = Pick<
  UnitStats,
  "found" | "rectified" | "closed" | "open" | "overdue" | "awaitingVerification" | "rebound" | "rate" | "durations"
>;

/** A ledger row as the figures see it. */
export interface LedgerFact extends IssueSnapshot {
  acceptedAt: Date | null;
  reboundOfId: number | null;
  /** The unit of its time limit, which its durations count in (behaviour §8.7). */
  limitUnit: LimitUnit | null;
}

/** Issues that are not a (separate) problem: never 发现. */
const NOT_FOUND = new Set(["rejected", "duplicate"]);

/** Counts the cover's figures of `period` observed at `t`, one listed issue at a time. */
export class LedgerTally {
  private readonly counts = { found: 0, closed: 0, open: 0, overdue: 0, awaiting: 0, rebound: 0, rateOpen: 0 };
  /**
   * The durations ending in the period, in hours, in the order the issues were added:
   * numbers rather than the issues' facts, so a 100,000-issue ledger holds a few megabytes here, not tens.
   */
  private readonly hours = mapDurations((): number[] => []);

  /** `t` is the observation instant (observationInstant of the period); `counting` what durations count with. */
  constructor(
    private readonly period: Period,
    readonly observedAt: Date,
    private readonly counting: CountingOptions,
  ) {}

  add(issue: LedgerFact): void {
    const { period, counts } = this;
    const t = this.observedAt;
    const found = matches(reportedIn(period), issue) && !NOT_FOUND.has(issue.status);
    if (found) counts.found += 1;
    if (found && issue.reboundOfId !== null) counts.rebound += 1;
    if (matches(closedIn(period), issue)) counts.closed += 1;
    if (matches(openAt(t), issue)) counts.open += 1;
    if (matches(overdueAt(t), issue)) counts.overdue += 1;
    if (matches(awaitingVerificationAt(t), issue)) counts.awaiting += 1;
    if (matches(rateOpenAt(period, t), issue)) counts.rateOpen += 1;
    if (issue.acceptedAt !== null || issue.rectifiedAt !== null || issue.closedAt !== null) {
      const hours = durationsEndingIn(issue, period, this.counting);
      for (const kind of DURATION_KINDS) {
        const h = hours[kind];
        if (h !== null) this.hours[kind].push(h);
      }
    }
  }

  result(): LedgerFigures {
    const { counts } = this;
    const durations = mapDurations((kind) => summarizeHours(this.hours[kind]));
    const rate = { closed: counts.closed, open: counts.rateOpen };
    return {
      found: counts.found,
      rectified: durations.rectification.count,
      closed: counts.closed,
      open: counts.open,
      overdue: counts.overdue,
      awaitingVerification: counts.awaiting,
      rebound: counts.rebound,
      rate: { ...rate, rate: rectificationRate(rate) },
      durations,
    };
  }
}
