/**
 * Who may do what, to which issue or unit (behaviour §2.10–2.13): one table of everything a person can do — on an
 * issue's card or in its thread, on the clock's cards, in a chat command — with the roles that may, and whether the
 * issue's assignee or reporter may whatever their roles. Every feature asks {@link permits}; every refusal names who
 * may act from the same row (texts/permissions.ts), and README's role table is checked against it.
 *
 * A role counts where its duty reaches ({@link reachOf}): the street-level roles — 派单员 (the command centre's) and
 * 包片领导 — reach every unit of the street their duty is in (or the district, held on a district), the command centre
 * being a department beside the communities; any other duty on an area unit (district, street, community, grid)
 * reaches that unit and everything below it; an admin's duty on a department reaches the area the department belongs
 * to; any other duty on a department reaches that department — the issues dispatched to it. People listed in
 * RIQING_ADMINS hold the admin role everywhere.
 */

import type { IssueAction } from "./lifecycle.ts";
import { ROLES, type Role, type UnitLevel } from "./types.ts";

/** What people may do besides moving an issue through its lifecycle. */
const OTHER_ACTIONS = [
  "snooze",
  "answer_lookback",
  "show",
  "list_overdue",
  "export_ledger",
  "review_digest",
  "read_review",
  "bind",
  "use_commands",
  "check_in",
] as const;
export type Permission = IssueAction | (typeof OTHER_ACTIONS)[number];

/**
 * What an action is taken on, which decides which duties count: `issue` — duties reaching the issue's grid (before a
 * grid is known, the unit its chat is bound to) or its assignee department; `unit` — duties reaching the unit;
 * `unit_or_below` — duties reaching the unit or any unit inside it (those who work in a unit may read its figures).
 */
export type PermissionScope = "issue" | "unit" | "unit_or_below";

/** One row of the table. */
interface PermissionRule {
  on: PermissionScope;
  /** Roles that may, where their duty reaches. */
  roles: readonly Role[];
  /** Whether the issue's assignee (a person, or the people of the assignee department) may whatever their roles. */
  assignee: boolean;
  /** Whether the person who reported the issue may whatever their roles. */
  reporter: boolean;
  /**
   * Whether anyone who may use the commands of a group bound to the issue's unit (or a unit above it) may, asking
   * there: the group sees its unit's cards anyway.
   */
  group: boolean;
  /** The roles that may instead of `roles` when the issue is dispatched to a department (its approver differs). */
  departmentRoles?: readonly Role[];
}

const OFFICE: readonly Role[] = ["secretary", "dispatcher", "admin"];
const OVERSIGHT: readonly Role[] = ["secretary", "leader", "dispatcher", "admin"];
/** Who approves a 延期: the community's secretary, or for an issue dispatched to a department the dispatcher. */
const EXTENSION_APPROVERS = { roles: ["secretary", "admin"], department: ["dispatcher", "admin"] } as const;
/** Who approves a 挂账 or 缓办: the street. */
const STREET: readonly Role[] = ["leader", "dispatcher", "admin"];

const onIssue = (
  roles: readonly Role[],
  who: { assignee?: boolean; reporter?: boolean; group?: boolean; department?: readonly Role[] } = {},
): PermissionRule => ({
  on: "issue",
  roles,
  assignee: who.assignee ?? false,
  reporter: who.reporter ?? false,
  group: who.group ?? false,
  ...(who.department && { departmentRoles: who.department }),
});
const onUnit = (roles: readonly Role[], on: PermissionScope = "unit"): PermissionRule => ({
  on,
  roles,
  assignee: false,
  reporter: false,
  group: false,
});

/** The permission table. Its order is the order README's role table lists what each person may do. */
export const PERMISSIONS: Readonly<Record<Permission, PermissionRule>> = {
  use_commands: onUnit(ROLES, "unit_or_below"),
  show: onIssue(ROLES, { assignee: true, reporter: true, group: true }),
  assign: onIssue(OFFICE, { assignee: true }),
  accept: onIssue(["grid_head"], { assignee: true }),
  rectify: onIssue(["grid_worker", "grid_head"], { assignee: true }),
  send_back: onIssue([], { assignee: true }),
  request_extension: onIssue([], { assignee: true }),
  snooze: onIssue(OVERSIGHT, { assignee: true }),
  verify: onIssue(OVERSIGHT),
  refuse: onIssue(OVERSIGHT),
  approve_extension: onIssue(EXTENSION_APPROVERS.roles, { department: EXTENSION_APPROVERS.department }),
  decline_extension: onIssue(EXTENSION_APPROVERS.roles, { department: EXTENSION_APPROVERS.department }),
  reject: onIssue(OFFICE),
  park: onIssue(STREET),
  unpark: onIssue(STREET),
  edit: onIssue(OFFICE, { reporter: true }),
  merge: onIssue(OFFICE, { reporter: true }),
  dismiss_duplicate: onIssue(OFFICE, { reporter: true }),
  answer_lookback: onIssue(["grid_worker", "grid_head", ...OVERSIGHT], { reporter: true }),
  list_overdue: onUnit(OVERSIGHT),
  export_ledger: onUnit(OVERSIGHT),
  review_digest: onUnit(["leader", "dispatcher", "admin"]),
  read_review: onUnit(["secretary", "admin"]),
  bind: onUnit(["secretary", "admin"]),
  // On the point's grid. A patroller the point's 包干 plans name may check in there too, whatever their roles
  // (behaviour §14.3): the feature asks the plans, as it asks an issue for its assignee.
  check_in: onUnit(["grid_worker", "grid_head", ...OVERSIGHT]),
};

/** Who is acting, relative to the issue or unit acted on. */
export interface Actor {
  /** The roles whose duty reaches it (the rule's scope says how); admin for people in RIQING_ADMINS. */
  roles: ReadonlySet<Role>;
  isAssignee: boolean;
  isReporter: boolean;
  /** Asking in a group bound to the issue's unit (or above it), where they may use the commands. */
  inIssueGroup?: boolean;
  /** The issue acted on is dispatched to a department. */
  atDepartment?: boolean;
}

/** The roles that may take `permission`: the row's, or its department roles on an issue dispatched to a department. */
export function rolesFor(permission: Permission, atDepartment: boolean): readonly Role[] {
  const rule = PERMISSIONS[permission];
  return (atDepartment ? rule.departmentRoles : undefined) ?? rule.roles;
}

/** Whether the table lets `actor` take `permission`. */
export function permits(permission: Permission, actor: Actor): boolean {
  const rule = PERMISSIONS[permission];
  return (
    rolesFor(permission, actor.atDepartment === true).some((role) => actor.roles.has(role)) ||
    (rule.assignee && actor.isAssignee) ||
    (rule.reporter && actor.isReporter) ||
    (rule.group && actor.inIssueGroup === true)
  );
}

/** A unit as the rules need it. */
export interface TreeUnit {
  id: number;
  level: UnitLevel;
  parentId: number | null;
}

/** A role held on a unit. */
export interface DutyOn {
  unitId: number;
  role: Role;
}

type Units = ReadonlyMap<number, TreeUnit>;

/** Roles that act on every unit of their street: the command centre dispatches across it, a 包片领导 oversees it. */
const STREET_ROLES: ReadonlySet<Role> = new Set(["dispatcher", "leader"]);

/** The unit a duty reaches (with everything below it); undefined for a unit that no longer exists. */
export function reachOf(duty: DutyOn, units: Units): number | undefined {
  const unit = units.get(duty.unitId);
  if (!unit) return undefined;
  if (STREET_ROLES.has(duty.role)) return (streetOf(unit, units) ?? unit).id;
  if (unit.level === "department" && duty.role === "admin") return (areaOf(unit, units) ?? unit).id;
  return unit.id;
}

/**
 * The roles among `duties` that count for an action of `scope` on `targets` (an issue's anchor and assignee
 * department, or one unit).
 */
export function rolesReaching(
  duties: readonly DutyOn[],
  targets: readonly number[],
  scope: PermissionScope,
  units: Units,
): Set<Role> {
  const roles = new Set<Role>();
  for (const duty of duties) {
    const reach = reachOf(duty, units);
    if (reach === undefined) continue;
    const counts = targets.some(
      (target) =>
        chainOf(target, units).includes(reach) || (scope === "unit_or_below" && chainOf(reach, units).includes(target)),
    );
    if (counts) roles.add(duty.role);
  }
  return roles;
}

/** The units a person may see (each with everything below it), fewest first: none without a duty. */
export function visibleUnits(duties: readonly DutyOn[], isAdmin: boolean, units: Units): number[] {
  if (isAdmin) return [...units.values()].filter((u) => u.parentId === null).map((u) => u.id);
  return outermost(
    duties.flatMap((duty) => reachOf(duty, units) ?? []),
    units,
  );
}

/**
 * The part of `wanted` (units with everything below them) that `allowed` covers: a wanted unit inside an allowed one
 * stays; of a wanted unit that is not, the allowed units inside it stay. Used to cut a board link down to the group
 * it was asked in, and, on every request, to what its holder may still see.
 */
export function withinUnits(wanted: readonly number[], allowed: readonly number[], units: Units): number[] {
  const allowedSet = new Set(allowed);
  const kept = wanted.flatMap((id) =>
    chainOf(id, units).some((u) => allowedSet.has(u)) ? [id] : allowed.filter((a) => chainOf(a, units).includes(id)),
  );
  return outermost(kept, units);
}

/** The nearest street or district at or above a unit. */
function streetOf(unit: TreeUnit, units: Units): TreeUnit | undefined {
  let next: TreeUnit | undefined = unit;
  while (next && next.level !== "street" && next.level !== "district") {
    next = next.parentId === null ? undefined : units.get(next.parentId);
  }
  return next;
}

/** The nearest area unit (not a department) above a unit. */
function areaOf(unit: TreeUnit, units: Units): TreeUnit | undefined {
  let next = unit.parentId === null ? undefined : units.get(unit.parentId);
  while (next && next.level === "department") next = next.parentId === null ? undefined : units.get(next.parentId);
  return next;
}

/** The unit and its ancestors' ids, nearest first. */
function chainOf(id: number, units: Units): number[] {
  const ids: number[] = [];
  for (let unit = units.get(id); unit; unit = unit.parentId === null ? undefined : units.get(unit.parentId)) {
    ids.push(unit.id);
  }
  return ids;
}

/** The ids without duplicates and without those under another of them, in first-seen order. */
function outermost(ids: readonly number[], units: Units): number[] {
  const set = new Set(ids);
  return [...set].filter(
    (id) =>
      !chainOf(id, units)
        .slice(1)
        .some((above) => set.has(above)),
  );
}
