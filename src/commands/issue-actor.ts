import type { Tx } from "../db/client.ts";
import { type Org, orgOf, rolesOn, unitChain } from "../db/org-queries.ts";
import type { ActorContext } from "../domain/lifecycle.ts";

/** The columns of an issue that decide who may act on it. */
export interface IssueAuthority {
  gridId: number | null;
  sourceChatId: string | null;
  /** Null for an issue another system filed through the API. */
  reporterId: number | null;
  assigneePersonId: number | null;
  assigneeUnitId: number | null;
  rectifiedById: number | null;
}

/** The unit an issue belongs to: its grid, or before a grid is known the unit its chat is bound to. */
export function issueAnchor(org: Org, issue: Pick<IssueAuthority, "gridId" | "sourceChatId">): number | null {
  return issue.gridId ?? (issue.sourceChatId ? (org.bindings.get(issue.sourceChatId)?.unitId ?? null) : null);
}

/**
 * Where the actor stands relative to an issue: roles held on its grid and the grid's ancestors (or, before a grid is
 * known, on the unit the source chat is bound to and its ancestors) and on the assignee department.
 */
export async function actorContext(
  tx: Tx,
  issue: IssueAuthority,
  person: { id: number; openId: string } | null,
  admins: readonly string[],
): Promise<ActorContext> {
  if (!person) {
    return { isAdmin: false, roles: new Set(), isAssignee: false, isReporter: false, isRectifier: false };
  }
  const org = await orgOf(tx);
  const anchor = issueAnchor(org, issue);
  const unitIds = anchor === null ? [] : unitChain(org, anchor).map((u) => u.id);
  const roles = rolesOn(org, person.id, unitIds);
  let inAssigneeUnit = false;
  if (issue.assigneeUnitId !== null) {
    const deptRoles = rolesOn(org, person.id, [issue.assigneeUnitId]);
    inAssigneeUnit = deptRoles.size > 0;
    for (const role of deptRoles) roles.add(role);
  }
  return {
    isAdmin: admins.includes(person.openId),
    roles,
    isAssignee: issue.assigneePersonId === person.id || inAssigneeUnit,
    isReporter: issue.reporterId !== null && issue.reporterId === person.id,
    isRectifier: issue.rectifiedById === person.id,
  };
}
