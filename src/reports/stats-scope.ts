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
import { Prisma } from "../generated/prisma/client.ts";

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
  /** The same filter as {@link where}, as an SQL condition on the columns of `"Issue"`, for statements written by hand. */
  sql: Prisma.Sql;
  /**
   * The issues of one unit of the scope exactly (a street's, without those of a department under it): a Prisma
   * filter, the same as SQL on `"Issue"`, and whether it is exact; when it is not (too many units), also check
   * `containersOf(…).includes(id)`.
   */
  issuesOf(unitId: number): { where: Prisma.IssueWhereInput; sql: Prisma.Sql; exact: boolean };
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

  // Memoised by the four columns in turn: a city's month looks up some 150,000 issues and groups, without a key each.
  type ByColumn<T> = Map<number | null, T>;
  const memo: ByColumn<ByColumn<ByColumn<ByColumn<readonly number[]>>>> = new Map();
  const containersOf = (issue: Placed): readonly number[] => {
    const byAssignee = below(below(below(memo, issue.gridId), issue.communityId), issue.streetId);
    let ids = byAssignee.get(issue.assigneeUnitId);
    if (!ids) {
      const byArea = areaChain(issue);
      const byDepartment = departmentChain(issue.assigneeUnitId).filter((id) => !byArea.includes(id));
      ids = [...byArea, ...byDepartment];
      byAssignee.set(issue.assigneeUnitId, ids);
    }
    return ids;
  };

  // The issues placed under any of the ids, column by column; null when the lists are too long to filter by.
  const filterFor = (ids: typeof byLevel): PlacedUnder | null => {
    const columns = [
      ["gridId", ids.area],
      ["communityId", ids.community],
      ["streetId", ids.street],
      ["assigneeUnitId", ids.department],
    ] as const;
    if (columns.reduce((n, [, list]) => n + list.length, 0) > MAX_FILTER_IDS) return null;
    return columns.filter(([, list]) => list.length > 0);
  };
  const filter = filterFor(byLevel);

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
    const own = filterFor({
      area: subtree.map((u) => u.id),
      community: idsOf(["community"]),
      street: idsOf(["street"]),
      department: unit.level === DEPARTMENT_LEVEL ? subtree.map((u) => u.id) : [],
    });
    return own
      ? { where: placedWhere(own), sql: placedSql(own), exact: true }
      : { where: {}, sql: Prisma.sql`1 = 1`, exact: false };
  };

  return {
    roots,
    units,
    lineage,
    children,
    where: filter ? placedWhere(filter) : {},
    sql: filter ? placedSql(filter) : Prisma.sql`1 = 1`,
    issuesOf,
    contains: (issue) => containersOf(issue).length > 0,
    containersOf,
  };
}

/** The map under `key` in `map`, added when missing. */
function below<T>(map: Map<number | null, Map<number | null, T>>, key: number | null): Map<number | null, T> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/** Issues placed under one of the ids of any of the columns listed (none: no issue). */
type PlacedUnder = readonly (readonly [keyof Placed, readonly number[]])[];

function placedWhere(under: PlacedUnder): Prisma.IssueWhereInput {
  const alternatives: Prisma.IssueWhereInput[] = under.map(([column, ids]) => ({ [column]: { in: [...ids] } }));
  return alternatives.length === 1 ? (alternatives[0] as Prisma.IssueWhereInput) : { OR: alternatives };
}

function placedSql(under: PlacedUnder): Prisma.Sql {
  if (under.length === 0) return Prisma.sql`1 = 0`;
  const alternatives = under.map(
    ([column, ids]) => Prisma.sql`${Prisma.raw(`"Issue"."${column}"`)} IN (${Prisma.join(ids)})`,
  );
  return Prisma.sql`(${Prisma.join(alternatives, " OR ")})`;
}

/** The scope narrowed to the issues filed from a patrol check-in. */
export function foundOnPatrol(scope: Scope): Scope {
  return {
    ...scope,
    where: { AND: [scope.where, { patrolVisitId: { not: null } }] },
    sql: Prisma.sql`(${scope.sql} AND "Issue"."patrolVisitId" IS NOT NULL)`,
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
