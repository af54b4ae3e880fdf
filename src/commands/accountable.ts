import type { Tx } from "../db/client.ts";
import { ancestorAt, holders, orgOf } from "../db/org-queries.ts";
import { ownersOf } from "../db/owners.ts";
import type { Accountable } from "../presenters/reminder-card.ts";
import { issueAnchor } from "./actors.ts";

/**
 * Who answers for each issue, as every rung of the reminder ladder and every escalation names them: its owner
 * (whoever accepted it, else its assignee or department — db/owners.ts), the heads of its grid and the secretaries
 * of its community. By issue id; issues that do not exist are left out.
 */
export async function accountableOf(tx: Tx, issueIds: readonly number[]): Promise<Map<number, Accountable>> {
  const issues = await tx.issue.findMany({
    where: { id: { in: [...issueIds] } },
    select: { id: true, gridId: true, sourceChatId: true, assigneePersonId: true, assigneeUnitId: true },
  });
  const owners = await ownersOf(tx, issues);
  const org = await orgOf(tx);
  const people = (list: { name: string; openId: string }[]) => list.map((p) => ({ name: p.name, openId: p.openId }));
  const result = new Map<number, Accountable>();
  for (const issue of issues) {
    const anchor = issueAnchor(org, issue);
    const community = anchor === null ? undefined : ancestorAt(org, anchor, "community");
    result.set(issue.id, {
      owner: owners.get(issue.id) ?? null,
      gridHeads: issue.gridId === null ? [] : people(holders(org, issue.gridId, "grid_head")),
      secretaries: community ? people(holders(org, community.id, "secretary")) : [],
    });
  }
  return result;
}
