/**
 * Who may see which units' issues outside the chats — the 挂图作战 board and its links. One small set of rules, to
 * fold into the permission table when there is one:
 *
 *   - an admin (RIQING_ADMINS) sees every unit at the top of the tree, and with it everything;
 *   - a duty on an area unit (district, street, community, grid) shows that unit and everything below it: a grid
 *     worker or grid head their grid, a secretary their community, a leader their street;
 *   - a dispatcher's or admin's duty on a department (the street's command centre) shows the area the department
 *     belongs to: the command centre dispatches across the street;
 *   - any other duty on a department (a responder) shows that department: the issues dispatched to it;
 *   - a unit under another visible unit adds nothing.
 */

import type { Role, UnitLevel } from "./types.ts";

/** A unit as the rules need it. */
export interface VisibilityUnit {
  id: number;
  level: UnitLevel;
  parentId: number | null;
}

/** Roles that see the area of the department they hold them on. */
const AREA_ROLES_ON_DEPARTMENTS: ReadonlySet<Role> = new Set(["dispatcher", "admin"]);

/** The units a person may see (each with everything below it), fewest first: none without a duty. */
export function visibleUnits(
  duties: readonly { unitId: number; role: Role }[],
  isAdmin: boolean,
  units: ReadonlyMap<number, VisibilityUnit>,
): number[] {
  if (isAdmin) return [...units.values()].filter((u) => u.parentId === null).map((u) => u.id);
  const roots = duties.flatMap((duty) => {
    const unit = units.get(duty.unitId);
    if (!unit) return [];
    if (unit.level !== "department" || !AREA_ROLES_ON_DEPARTMENTS.has(duty.role)) return [unit.id];
    return [areaOf(unit, units)?.id ?? unit.id];
  });
  return outermost(roots, units);
}

/**
 * The part of `wanted` (units with everything below them) that `allowed` covers: a wanted unit inside an allowed one
 * stays; of a wanted unit that is not, the allowed units inside it stay. Used to cut a link down to the group it was
 * asked in, and, on every request, to what its holder may still see.
 */
export function withinUnits(
  wanted: readonly number[],
  allowed: readonly number[],
  units: ReadonlyMap<number, VisibilityUnit>,
): number[] {
  const allowedSet = new Set(allowed);
  const kept = wanted.flatMap((id) =>
    chainOf(id, units).some((u) => allowedSet.has(u)) ? [id] : allowed.filter((a) => chainOf(a, units).includes(id)),
  );
  return outermost(kept, units);
}

/** The nearest area unit (not a department) above a department. */
function areaOf(unit: VisibilityUnit, units: ReadonlyMap<number, VisibilityUnit>): VisibilityUnit | undefined {
  let next = unit.parentId === null ? undefined : units.get(unit.parentId);
  while (next && next.level === "department") next = next.parentId === null ? undefined : units.get(next.parentId);
  return next;
}

/** The unit and its ancestors' ids, nearest first. */
function chainOf(id: number, units: ReadonlyMap<number, VisibilityUnit>): number[] {
  const ids: number[] = [];
  for (let unit = units.get(id); unit; unit = unit.parentId === null ? undefined : units.get(unit.parentId)) {
    ids.push(unit.id);
  }
  return ids;
}

/** The ids without duplicates and without those under another of them, in first-seen order. */
function outermost(ids: readonly number[], units: ReadonlyMap<number, VisibilityUnit>): number[] {
  const set = new Set(ids);
  return [...set].filter(
    (id) =>
      !chainOf(id, units)
        .slice(1)
        .some((above) => set.has(above)),
  );
}
