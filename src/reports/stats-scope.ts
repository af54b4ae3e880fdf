/**
 * Which issues belong to a unit, for every figure the product shows.
 *
 * An issue belongs to unit U when
 *   - U is its grid, or the grid of its microgrid (as the tree is now), or
 *   - U is the community or the street its grid lay in when it was filed against that grid (`communityId`,
 *     `streetId`, behaviour §8.5), or a unit above that street now; an issue without them (its grid lay in no
 *     community or street) climbs the tree as it is now, or
 *   - U is a department (level "department") and is the issue's assignee unit or an ancestor of it
 *     ("部门报到": a department sees the issues dispatched to it, across grids).
 * Both rules may hold at once; the issue still counts once. So a grid moved to another community by a re-import
 * leaves its past issues counted where they were filed, and yesterday's figures do not change.
 *
 * Queries group issues by their {@link Placed} columns and this module rolls each group up to every unit of the
 * scope that contains it, so one query answers a figure for hundreds of units at once.
 */

import type { Db, Tx } from "../db/client.ts";
import { inChunks, MAX_IN_LIST } from "../db/in-chunks.ts";
import { orgOf, type UnitRef } from "../db/org-queries.ts";
import type { Prisma } from "../generated/prisma/client.ts";

type Client = Db | Tx;

/** A unit of the tree as the statistics need it. */
export interface UnitNode {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
}

/** Where an issue is counted: its grid, the community and street it was filed against, its assignee unit. */
export interface Placed {
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  assigneeUnitId: number | null;
}

/** Issues whose `column` is one of `ids`: one alternative of a scope's filter (the issues of any of them). */
export interface PlacedIn {
  column: (typeof PLACED_BY)[number];
  ids: readonly number[];
}

/** The columns of {@link Placed}, to group issues by. */
export const PLACED_BY = ["gridId", "communityId", "streetId", "assigneeUnitId"] as const;

/** The columns of {@link Placed}, to select. */
export const PLACED_SELECT = { gridId: true, communityId: true, streetId: true, assigneeUnitId: true } as const;

/** The units asked about, everything below them, and how to find the issues of each. */
export interface Scope {
  /** The units asked about, in the order asked. */
  roots: UnitNode[];
  /** The roots and all their descendants, by id. */
  units: Map<number, UnitNode>;
  /** The units of the scope and the ancestors of the roots: where names of enclosing units are looked up. */
  lineage: Map<number, UnitNode>;
  /** Children of each unit of the scope, ordered by code. */
  children: Map<number, UnitNode[]>;
  /**
   * Prisma filter matching the issues of the scope, or an empty filter when the scope has so many units that an
   * IN list would be unwieldy; then the queries read every issue of the other conditions and {@link containersOf}
   * drops the ones outside the scope.
   */
  where: Prisma.IssueWhereInput;
  /**
   * The issues of one unit of the scope exactly (a street's, without those of a department under it): a Prisma
   * filter, and whether it is exact; when it is not (too many units), also check `containersOf(…).includes(id)`.
   * `alternatives` is the same filter as data (any of them; none when it is not exact), for hand-written SQL.
   */
  issuesOf(unitId: number): { where: Prisma.IssueWhereInput; exact: boolean; alternatives: readonly PlacedIn[] };
  /** Whether an issue so placed belongs to any unit of the scope. */
  contains(issue: Placed): boolean;
  /** Ids of the units of the scope an issue so placed belongs to (memoised; do not mutate). */
  containersOf(issue: Placed): readonly number[];
}

/** Thrown when a unit id or code is not in the database. */
export class UnknownUnitError extends Error {
  readonly code = "unknown_unit";
  constructor(readonly unit: number | string) {
    super(`Unknown unit: ${unit}`);
    this.name = "UnknownUnitError";
  }
}

/** The levels an issue's grid may have: its grid's own issues are counted by the tree as it is now. */
const GRID_LEVELS: ReadonlySet<string> = new Set(["grid", "microgrid"]);

/** Whether a unit is a grid or microgrid: one that counts the issues filed against it by grid. */
export function isGridLevel(unit: UnitNode): boolean {
  return GRID_LEVELS.has(unit.level);
}

/** The level whose units also own the issues dispatched to them. */
export const DEPARTMENT_LEVEL = "department";

/**
 * Most unit ids a scope filter lists. Above it the filter is dropped (see {@link Scope.where}): it must leave room
 * for the query's other bound values, and a scope that large covers much of the table anyway.
 */
const MAX_FILTER_IDS = MAX_IN_LIST;

const UNIT_SELECT = { id: true, code: true, name: true, level: true, parentId: true } as const;

/**
 * Loads the units `unitIds` and all their descendants, from the org as the client sees it now (orgOf: one small query
 * when the org has not changed). Throws {@link UnknownUnitError} for a missing unit.
 */
export async function loadScope(db: Client, unitIds: readonly number[]): Promise<Scope> {
  const org = await orgOf(db);
  const wanted = [...new Set(unitIds)];
  const node = (u: UnitRef): UnitNode => ({
    id: u.id,
    code: u.code,
    name: u.name,
    level: u.level,
    parentId: u.parentId,
  });
  const roots = wanted.map((id) => {
    const unit = org.units.get(id);
    if (!unit) throw new UnknownUnitError(id);
    return node(unit);
  });

  const units = new Map<number, UnitNode>(roots.map((u) => [u.id, u]));
  const children = new Map<number, UnitNode[]>();
  // Level by level, each level in code order.
  let frontier = [...units.keys()];
  while (frontier.length > 0) {
    const level: UnitNode[] = [];
    for (const id of frontier) {
      const below = (org.childrenOf.get(id) ?? []).map(node).sort(byCode);
      if (below.length > 0) children.set(id, below);
      level.push(...below);
    }
    frontier = [];
    for (const unit of level.sort(byCode)) {
      // A unit reached twice (two roots where one contains the other) is walked once.
      if (units.has(unit.id)) continue;
      units.set(unit.id, unit);
      frontier.push(unit.id);
    }
  }
  const lineage = new Map(units);
  for (const root of roots) {
    for (let id = root.parentId; id !== null && !lineage.has(id); ) {
      const unit = org.units.get(id);
      if (!unit) break;
      lineage.set(id, node(unit));
      id = unit.parentId;
    }
  }
  return buildScope(roots, units, lineage, children);
}

function byCode(a: UnitNode, b: UnitNode): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Loads one unit by id or code with everything below it. Throws {@link UnknownUnitError} when it is missing. */
export async function loadUnitScope(db: Client, unit: number | string): Promise<Scope> {
  if (typeof unit === "number") return loadScope(db, [unit]);
  const row = await db.unit.findUnique({ where: { code: unit }, select: { id: true } });
  if (!row) throw new UnknownUnitError(unit);
  return loadScope(db, [row.id]);
}

function buildScope(
  roots: UnitNode[],
  units: Map<number, UnitNode>,
  lineage: Map<number, UnitNode>,
  children: Map<number, UnitNode[]>,
): Scope {
  const byLevel = {
    area: [] as number[],
    community: [] as number[],
    street: [] as number[],
    department: [] as number[],
  };
  for (const unit of units.values()) {
    if (unit.level === DEPARTMENT_LEVEL) byLevel.department.push(unit.id);
    else byLevel.area.push(unit.id);
    if (unit.level === "community" || unit.level === "street") byLevel[unit.level].push(unit.id);
  }
  const parentOf = (unit: UnitNode | undefined) => (unit?.parentId == null ? undefined : units.get(unit.parentId));

  // The units of the scope an issue's grid lies in (see the top of this file), nearest first.
  const areaChain = (issue: Placed): number[] => {
    const ids: number[] = [];
    let unit = issue.gridId === null ? undefined : units.get(issue.gridId);
    for (; unit && GRID_LEVELS.has(unit.level); unit = parentOf(unit)) ids.push(unit.id);
    const filed = [issue.communityId, issue.streetId].filter((id): id is number => id !== null);
    if (filed.length > 0) {
      ids.push(...filed.filter((id) => units.has(id)));
      unit = parentOf(units.get(filed[filed.length - 1] as number));
    }
    for (; unit; unit = parentOf(unit)) ids.push(unit.id);
    return ids;
  };
  // The assignee unit and its ancestors inside the scope that are departments.
  const departmentChain = (unitId: number | null): number[] => {
    const ids: number[] = [];
    for (let unit = unitId === null ? undefined : units.get(unitId); unit; unit = parentOf(unit)) {
      if (unit.level === DEPARTMENT_LEVEL) ids.push(unit.id);
    }
    return ids;
  };

  const memo = new Map<string, readonly number[]>();
  const containersOf = (issue: Placed): readonly number[] => {
    const key = `${issue.gridId}|${issue.communityId}|${issue.streetId}|${issue.assigneeUnitId}`;
    let ids = memo.get(key);
    if (!ids) {
      const byArea = areaChain(issue);
      const byDepartment = departmentChain(issue.assigneeUnitId).filter((id) => !byArea.includes(id));
      ids = [...byArea, ...byDepartment];
      memo.set(key, ids);
    }
    return ids;
  };

  const placedIn = (ids: typeof byLevel): PlacedIn[] | null => {
    const columns = [
      ["gridId", ids.area],
      ["communityId", ids.community],
      ["streetId", ids.street],
      ["assigneeUnitId", ids.department],
    ] as const;
    if (columns.reduce((n, [, list]) => n + list.length, 0) > MAX_FILTER_IDS) return null;
    return columns.filter(([, list]) => list.length > 0).map(([column, list]) => ({ column, ids: list }));
  };
  const filterFor = (alternatives: PlacedIn[]): Prisma.IssueWhereInput => {
    const wheres = alternatives.map(({ column, ids }): Prisma.IssueWhereInput => ({ [column]: { in: ids } }));
    return wheres.length === 1 ? (wheres[0] as Prisma.IssueWhereInput) : { OR: wheres };
  };
  const scopeIn = placedIn(byLevel);
  const where = scopeIn ? filterFor(scopeIn) : {};

  const issuesOf = (unitId: number) => {
    const unit = units.get(unitId);
    if (!unit) throw new UnknownUnitError(unitId);
    const subtree: UnitNode[] = [];
    const stack = [unit];
    for (let next = stack.pop(); next; next = stack.pop()) {
      subtree.push(next);
      stack.push(...(children.get(next.id) ?? []));
    }
    // Mirrors containersOf: every unit below counts by grid, community and street; by assignee only when the unit
    // is a department.
    const idsOf = (levels: string[]) => subtree.filter((u) => levels.includes(u.level)).map((u) => u.id);
    const alternatives = placedIn({
      area: subtree.map((u) => u.id),
      community: idsOf(["community"]),
      street: idsOf(["street"]),
      department: unit.level === DEPARTMENT_LEVEL ? subtree.map((u) => u.id) : [],
    });
    return alternatives
      ? { where: filterFor(alternatives), exact: true, alternatives }
      : { where: {}, exact: false, alternatives: [] };
  };

  return {
    roots,
    units,
    lineage,
    children,
    where,
    issuesOf,
    contains: (issue) => containersOf(issue).length > 0,
    containersOf,
  };
}

/**
 * Adds the units `ids` and all their ancestors to `units` where missing (e.g. the grids of a department's issues,
 * which lie outside its scope), so names of enclosing units can be looked up with {@link ancestorOfLevel}.
 */
export async function extendLineage(
  db: Client,
  units: Map<number, UnitNode>,
  ids: Iterable<number | null>,
): Promise<void> {
  const missing = (candidates: Iterable<number | null>) =>
    [...new Set(candidates)].filter((id): id is number => id !== null && !units.has(id));
  let next = missing(ids);
  while (next.length > 0) {
    const rows = await inChunks(next, (ids) => db.unit.findMany({ where: { id: { in: ids } }, select: UNIT_SELECT }));
    for (const row of rows) units.set(row.id, row);
    next = missing(rows.map((u) => u.parentId));
  }
}

/** The nearest unit of `level` at or above `unitId` among the units given, or undefined. */
export function ancestorOfLevel(
  units: ReadonlyMap<number, UnitNode>,
  unitId: number | null,
  level: string,
): UnitNode | undefined {
  let unit = unitId === null ? undefined : units.get(unitId);
  while (unit && unit.level !== level) unit = unit.parentId === null ? undefined : units.get(unit.parentId);
  return unit;
}
