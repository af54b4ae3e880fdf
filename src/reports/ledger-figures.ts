/**
 * The ledger cover's figures, counted from the very rows the ledger lists (ledgerRowsAt in src/domain/metrics.ts)
 * as they are read, with the conditions of src/domain/metrics.ts applied in memory — the definitions stats.ts turns
 * into SQL. So the cover agrees with its rows by construction, and with 统计 and the digest by definition.
 */

import type { CountingOptions, LimitUnit, Period } from "../domain/deadline.ts";
import {
  awaitingVerificationAt,
  closedIn,
  conditionTest,
  DURATION_KINDS,
  durationsEndingIn,
  type IssueSnapshot,
  mapDurations,
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

  /** The conditions the counts test, each built once. */
  private readonly tests;

  /** `t` is the observation instant (observationInstant of the period); `counting` what durations count with. */
  constructor(
    private readonly period: Period,
    readonly observedAt: Date,
    private readonly counting: CountingOptions,
  ) {
    const t = observedAt;
    this.tests = {
      reported: conditionTest(reportedIn(period)),
      closed: conditionTest(closedIn(period)),
      open: conditionTest(openAt(t)),
      overdue: conditionTest(overdueAt(t)),
      awaiting: conditionTest(awaitingVerificationAt(t)),
      rateOpen: conditionTest(rateOpenAt(period, t)),
    };
  }

  add(issue: LedgerFact): void {
    const { period, counts, tests } = this;
    const found = tests.reported(issue) && !NOT_FOUND.has(issue.status);
    if (found) counts.found += 1;
    if (found && issue.reboundOfId !== null) counts.rebound += 1;
    if (tests.closed(issue)) counts.closed += 1;
    if (tests.open(issue)) counts.open += 1;
    if (tests.overdue(issue)) counts.overdue += 1;
    if (tests.awaiting(issue)) counts.awaiting += 1;
    if (tests.rateOpen(issue)) counts.rateOpen += 1;
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
