/**
 * How the 挂图作战 board colours an open issue. Five states, from the statuses and the one overdue rule of
 * src/domain/metrics.ts:
 *
 *   - new (新): reported or assigned, nobody has taken it on yet;
 *   - in_progress (处置中): accepted, being fixed;
 *   - awaiting_check (待核查): rectified, waiting for verification (never overdue);
 *   - overdue (超期): in hand and past its deadline;
 *   - on_books (挂账): overdue for longer than the escalation threshold (default 24 hours), i.e. already reported to
 *     the street leaders and listed for supervision (挂账督办) until it is fixed.
 * Closed, rejected and duplicate issues are not on the board.
 */

import { DEFAULT_ESCALATE_AFTER_HOURS } from "./clock-settings.ts";
import { isOverdueAt } from "./metrics.ts";
import type { IssueStatus } from "./types.ts";

export const BOARD_STATES = ["new", "in_progress", "awaiting_check", "overdue", "on_books"] as const;
export type BoardState = (typeof BOARD_STATES)[number];

const HOUR_MS = 3_600_000;

/** The board state of an issue at `now`, or null when it is not open. */
export function boardState(
  issue: { status: IssueStatus; deadline: Date | null; parkedAt?: Date | null },
  now: Date,
  onBooksAfterHours: number = DEFAULT_ESCALATE_AFTER_HOURS,
): BoardState | null {
  switch (issue.status) {
    case "rectified":
      return "awaiting_check";
    case "reported":
    case "assigned":
    case "accepted": {
      if (issue.deadline && isOverdueAt(issue, now)) {
        return now.getTime() - issue.deadline.getTime() >= onBooksAfterHours * HOUR_MS ? "on_books" : "overdue";
      }
      return issue.status === "accepted" ? "in_progress" : "new";
    }
    default:
      return null;
  }
}
