import type { Db, Tx } from "../db/client.ts";
import { dutiesOf, type Org, orgOf, unitChain } from "../db/org-queries.ts";
import {
  type Actor,
  PERMISSIONS,
  type Permission,
  type PermissionScope,
  permits,
  rolesFor,
  rolesReaching,
} from "../domain/permissions.ts";
import type { Role } from "../domain/types.ts";

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

/** Someone acting on an issue, as the permission table and the lifecycle see them. */
export interface IssueActor extends Actor {
  isRectifier: boolean;
}

/** The unit an issue belongs to: its grid, or before a grid is known the unit its chat is bound to. */
export function issueAnchor(org: Org, issue: Pick<IssueAuthority, "gridId" | "sourceChatId">): number | null {
  return issue.gridId ?? (issue.sourceChatId ? (org.bindings.get(issue.sourceChatId)?.unitId ?? null) : null);
}

/**
 * Where the person stands relative to an issue (domain/permissions.ts): the roles whose duty reaches its grid (or its
 * chat's unit) or its assignee department, whether they are its assignee — the assigned person, or on duty in the
 * assignee department — its reporter, or its rectifier. `inGroupOf` is the unit of the group they ask in, if any.
 */
export async function issueActor(
  client: Db | Tx,
  issue: IssueAuthority,
  person: { id: number; openId: string } | null,
  admins: readonly string[],
  inGroupOf?: number,
): Promise<IssueActor> {
  if (!person) return { ...NOBODY, isRectifier: false, atDepartment: atDepartment(await orgOf(client), issue) };
  const org = await orgOf(client);
  const anchor = issueAnchor(org, issue);
  const targets = [anchor, issue.assigneeUnitId].filter((id): id is number => id !== null);
  const actor = actorOn(org, person, admins, targets, "issue");
  const inAssigneeUnit =
    issue.assigneeUnitId !== null &&
    (org.dutiesByUnit.get(issue.assigneeUnitId) ?? []).some((d) => d.personId === person.id);
  const inIssueGroup =
    anchor !== null &&
    inGroupOf !== undefined &&
    unitChain(org, anchor).some((u) => u.id === inGroupOf) &&
    permits("use_commands", unitActor(org, person, admins, inGroupOf, "use_commands"));
  return {
    ...actor,
    atDepartment: atDepartment(org, issue),
    isAssignee: issue.assigneePersonId === person.id || inAssigneeUnit,
    isReporter: issue.reporterId !== null && issue.reporterId === person.id,
    isRectifier: issue.rectifiedById === person.id,
    inIssueGroup,
  };
}

/** Whether the issue is dispatched to a department (whose approvers differ: domain/permissions.ts). */
export function atDepartment(org: Org, issue: Pick<IssueAuthority, "assigneeUnitId">): boolean {
  return issue.assigneeUnitId !== null && org.units.get(issue.assigneeUnitId)?.level === "department";
}

/**
 * The people whose own duties let them take `permission` on the issue — not admins, not as its assignee or reporter:
 * whom a request for it is put to (the approvers of a 延期).
 */
export function holdersOf(
  org: Org,
  issue: Pick<IssueAuthority, "gridId" | "sourceChatId" | "assigneeUnitId">,
  permission: Permission,
): { openId: string; name: string }[] {
  const anchor = issueAnchor(org, issue);
  const targets = [anchor, issue.assigneeUnitId].filter((id): id is number => id !== null);
  const roles: readonly Role[] = rolesFor(permission, atDepartment(org, issue)).filter((role) => role !== "admin");
  const people = new Map<number, { openId: string; name: string }>();
  for (const duty of org.duties) {
    if (!roles.includes(duty.role) || people.has(duty.personId)) continue;
    const reaching = rolesReaching([duty], targets, PERMISSIONS[permission].on, org.units);
    if (reaching.has(duty.role)) people.set(duty.personId, { openId: duty.openId, name: duty.name });
  }
  return [...people.values()];
}

/** Where the person stands relative to a unit, for `permission` (its row says which duties count). */
export function unitActor(
  org: Org,
  person: { id: number | null; openId: string },
  admins: readonly string[],
  unitId: number,
  permission: Permission,
): Actor {
  return actorOn(org, person, admins, [unitId], PERMISSIONS[permission].on);
}

/** Whether the person with this open_id may take `permission` on the unit. */
export async function mayOnUnit(
  client: Db | Tx,
  permission: Permission,
  openId: string,
  unitId: number,
  admins: readonly string[],
): Promise<boolean> {
  const person = (await client.person.findUnique({ where: { openId }, select: { id: true, openId: true } })) ?? {
    id: null,
    openId,
  };
  return permits(permission, unitActor(await orgOf(client), person, admins, unitId, permission));
}

/** Someone the bot does not know: no duty anywhere. */
const NOBODY: Actor = { roles: new Set(), isAssignee: false, isReporter: false };

/** The roles of a person (known or not: people in RIQING_ADMINS are admins before the bot has met them) that count. */
function actorOn(
  org: Org,
  person: { id: number | null; openId: string },
  admins: readonly string[],
  targets: readonly number[],
  scope: PermissionScope,
): Actor {
  const duties = person.id === null ? [] : dutiesOf(org, person.id);
  const roles = rolesReaching(duties, targets, scope, org.units);
  if (admins.includes(person.openId)) roles.add("admin");
  return { roles, isAssignee: false, isReporter: false };
}
