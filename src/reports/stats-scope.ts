/**
 * Which issues belong to a unit, for every figure the product shows.
 *
 * An issue belongs to unit U when
 *   - U is its grid or an ancestor of its grid (grid → community → street → district; a microgrid's issues count
 *     for its grid too), or
 *   - U is a department (level "department") and is the issue's assignee unit or an ancestor of it
 *     ("部门报到": a department sees the issues dispatched to it, across grids).
 * Both rules may hold at once; the issue still counts once.
 *
 * Queries group issues by (gridId, assigneeUnitId) and this module rolls each group up to every unit of the scope
 * that contains it, so one query answers a figure for hundreds of units at once.
 */

import type { Db, Tx } from "../db/client.ts";
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
  /** Whether an issue with this grid and assignee unit belongs to any unit of the scope. */
  contains(gridId: number | null, assigneeUnitId: number | null): boolean;
  /** Ids of the units of the scope an issue with this grid and assignee unit belongs to (memoised; do not mutate). */
  containersOf(gridId: number | null, assigneeUnitId: number | null): readonly number[];
}

/** Thrown when a unit id or code is not in the database. */
export class UnknownUnitError extends Error {
  readonly code = "unknown_unit";
  constructor(readonly unit: number | string) {
    super(`Unknown unit: ${unit}`);
    this.name = "UnknownUnitError";
  }
}

/** The level whose units also own the issues dispatched to them. */
export const DEPARTMENT_LEVEL = "department";

/**
 * Largest IN list a scope filter uses. Above it the filter is dropped (see {@link Scope.where}); SQLite allows
 * 32,766 parameters and PostgreSQL 65,535, but long IN lists also make poor query plans.
 */
const MAX_FILTER_IDS = 500;

/** Ids per query when walking down the tree. */
const TREE_BATCH = 500;

const UNIT_SELECT = { id: true, code: true, name: true, level: true, parentId: true } as const;

/** Loads the units `unitIds` and all their descendants. Throws {@link UnknownUnitError} for a missing unit. */
export async function loadScope(db: Client, unitIds: readonly number[]): Promise<Scope> {
  const wanted = [...new Set(unitIds)];
  const found = await db.unit.findMany({ where: { id: { in: wanted } }, select: UNIT_SELECT });
  const byId = new Map<number, UnitNode>(found.map((u) => [u.id, u]));
  for (const id of wanted) if (!byId.has(id)) throw new UnknownUnitError(id);

  const units = new Map(byId);
  const children = new Map<number, UnitNode[]>();
  let frontier = [...byId.keys()];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (let i = 0; i < frontier.length; i += TREE_BATCH) {
      const batch = frontier.slice(i, i + TREE_BATCH);
      const rows = await db.unit.findMany({
        where: { parentId: { in: batch } },
        select: UNIT_SELECT,
        orderBy: { code: "asc" },
      });
      for (const row of rows) {
        if (row.parentId !== null) {
          const siblings = children.get(row.parentId) ?? [];
          siblings.push(row);
          children.set(row.parentId, siblings);
        }
        // A unit reached twice (two roots where one contains the other) is walked once.
        if (!units.has(row.id)) {
          units.set(row.id, row);
          next.push(row.id);
        }
      }
    }
    frontier = next;
  }
  const lineage = new Map(units);
  await extendLineage(
    db,
    lineage,
    found.map((u) => u.parentId),
  );
  return buildScope(
    wanted.map((id) => byId.get(id) as UnitNode),
    units,
    lineage,
    children,
  );
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
  const areaIds: number[] = [];
  const departmentIds: number[] = [];
  for (const unit of units.values()) (unit.level === DEPARTMENT_LEVEL ? departmentIds : areaIds).push(unit.id);

  // The unit and its ancestors inside the scope, nearest first; optionally departments only.
  const chain = (start: number | null, departmentsOnly: boolean): number[] => {
    const ids: number[] = [];
    let unit = start === null ? undefined : units.get(start);
    while (unit) {
      if (!departmentsOnly || unit.level === DEPARTMENT_LEVEL) ids.push(unit.id);
      unit = unit.parentId === null ? undefined : units.get(unit.parentId);
    }
    return ids;
  };

  const memo = new Map<string, readonly number[]>();
  const containersOf = (gridId: number | null, assigneeUnitId: number | null): readonly number[] => {
    const key = `${gridId}|${assigneeUnitId}`;
    let ids = memo.get(key);
    if (!ids) {
      const byGrid = chain(gridId, false);
      const byDepartment = chain(assigneeUnitId, true).filter((id) => !byGrid.includes(id));
      ids = [...byGrid, ...byDepartment];
      memo.set(key, ids);
    }
    return ids;
  };

  let where: Prisma.IssueWhereInput = {};
  if (areaIds.length + departmentIds.length <= MAX_FILTER_IDS) {
    const alternatives: Prisma.IssueWhereInput[] = [];
    if (areaIds.length > 0) alternatives.push({ gridId: { in: areaIds } });
    if (departmentIds.length > 0) alternatives.push({ assigneeUnitId: { in: departmentIds } });
    where = alternatives.length === 1 ? (alternatives[0] as Prisma.IssueWhereInput) : { OR: alternatives };
  }

  return {
    roots,
    units,
    lineage,
    children,
    where,
    contains: (gridId, assigneeUnitId) => containersOf(gridId, assigneeUnitId).length > 0,
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
    const rows: UnitNode[] = [];
    for (let i = 0; i < next.length; i += TREE_BATCH) {
      rows.push(
        ...(await db.unit.findMany({ where: { id: { in: next.slice(i, i + TREE_BATCH) } }, select: UNIT_SELECT })),
      );
    }
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
