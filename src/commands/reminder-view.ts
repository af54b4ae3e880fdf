import type { Tx } from "../db/client.ts";
import type { ReminderStage, ReminderView } from "../presenters/reminder-card.ts";
import { accountableOf } from "./accountable.ts";
import { loadIssueView } from "./sync-issue-card.ts";

/**
 * What the reminder card of `stage` shows for an issue, read inside the caller's transaction, with everyone who
 * answers for it (commands/accountable.ts) to @-mention on every rung. Undefined for an issue without a deadline.
 */
export async function loadReminderView(
  tx: Tx,
  issueId: number,
  stage: ReminderStage,
): Promise<ReminderView | undefined> {
  const view = await loadIssueView(tx, issueId);
  const accountable = (await accountableOf(tx, [issueId])).get(issueId);
  if (view.deadline === null || !accountable) return undefined;
  return {
    issueId,
    number: view.number,
    category: view.category?.name ?? null,
    grid: view.grid,
    point: view.point,
    deadline: view.deadline,
    stage,
    accountable,
  };
}
