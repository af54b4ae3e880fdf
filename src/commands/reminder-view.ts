import type { Tx } from "../db/client.ts";
import { filedUnder, orgOf } from "../db/org-queries.ts";
import type { ReminderStage, ReminderView } from "../presenters/reminder-card.ts";
import { accountableOf } from "./accountable.ts";

/**
 * What the reminder card of `stage` shows for an issue, read inside the caller's transaction, with everyone who
 * answers for it (commands/accountable.ts) to @-mention on every rung. Undefined for an issue without a deadline.
 */
export async function loadReminderView(
  tx: Tx,
  issueId: number,
  stage: ReminderStage,
): Promise<ReminderView | undefined> {
  return (await loadReminderViews(tx, [{ issueId, stage }])).get(issueId);
}

/**
 * {@link loadReminderView} for several issues at once (a sweep's batch): a few queries in all, by issue id; issues
 * without a deadline (or that do not exist) are left out.
 */
export async function loadReminderViews(
  tx: Tx,
  wanted: readonly { issueId: number; stage: ReminderStage }[],
): Promise<Map<number, ReminderView>> {
  const ids = wanted.map((w) => w.issueId);
  const issues = await tx.issue.findMany({
    where: { id: { in: ids } },
    select: { id: true, number: true, deadline: true, categoryId: true, gridId: true, pointId: true },
  });
  const byId = new Map(issues.map((i) => [i.id, i]));
  const accountable = await accountableOf(tx, ids);
  const org = await orgOf(tx);
  const views = new Map<number, ReminderView>();
  for (const { issueId, stage } of wanted) {
    const issue = byId.get(issueId);
    const people = accountable.get(issueId);
    if (!issue || issue.deadline === null || !people) continue;
    const { category, grid, point } = filedUnder(org, issue);
    views.set(issueId, {
      issueId,
      number: issue.number,
      category: category?.name ?? null,
      grid: grid?.name ?? null,
      point: point?.name ?? null,
      deadline: issue.deadline,
      stage,
      accountable: people,
    });
  }
  return views;
}
