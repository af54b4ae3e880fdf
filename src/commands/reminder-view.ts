import type { Tx } from "../db/client.ts";
import type { ReminderStage, ReminderView } from "../presenters/reminder-card.ts";
import { loadIssueView } from "./sync-issue-card.ts";

/**
 * What the reminder card of `stage` shows for an issue, read inside the caller's transaction: before the deadline
 * and after a snooze it mentions the assignee (the secretaries while nobody is assigned), at the deadline both.
 * Undefined for an issue without a deadline.
 */
export async function loadReminderView(
  tx: Tx,
  issueId: number,
  stage: ReminderStage,
): Promise<ReminderView | undefined> {
  const view = await loadIssueView(tx, issueId);
  if (view.deadline === null) return undefined;
  const assignees = view.assignee?.mentions ?? [];
  const mentions =
    stage === "deadline"
      ? [...new Set([...assignees, ...view.dispatchers])]
      : assignees.length > 0
        ? assignees
        : view.dispatchers;
  return {
    issueId,
    number: view.number,
    category: view.category?.name ?? null,
    grid: view.grid,
    point: view.point,
    deadline: view.deadline,
    stage,
    mentions,
  };
}
