import type { Role, UnitLevel } from "../domain/types.ts";
import type { Db, Tx } from "./client.ts";

type Client = Db | Tx;

/** A unit as the chat features need it. */
export interface UnitRef {
  id: number;
  code: string;
  name: string;
  level: UnitLevel;
  parentId: number | null;
  aliases: string[];
}

type UnitRow = { id: number; code: string; name: string; level: string; parentId: number | null; aliases: unknown };

function toRef(u: UnitRow): UnitRef {
  return { ...u, level: u.level as UnitLevel, aliases: Array.isArray(u.aliases) ? (u.aliases as string[]) : [] };
}

/** The unit and its ancestors, nearest first (grid, community, street, district). */
export async function unitChain(db: Client, unitId: number): Promise<UnitRef[]> {
  const chain: UnitRef[] = [];
  let next: number | null = unitId;
  while (next !== null && chain.length < 10) {
    const unit: UnitRow | null = await db.unit.findUnique({ where: { id: next } });
    if (!unit) break;
    chain.push(toRef(unit));
    next = unit.parentId;
  }
  return chain;
}

/** The unit and everything below it. */
export async function unitSubtree(db: Client, unitId: number): Promise<UnitRef[]> {
  const root = await db.unit.findUnique({ where: { id: unitId } });
  if (!root) return [];
  const all: UnitRef[] = [toRef(root)];
  let frontier = [root.id];
  while (frontier.length > 0) {
    const children = await db.unit.findMany({ where: { parentId: { in: frontier } } });
    all.push(...children.map(toRef));
    frontier = children.map((c) => c.id);
  }
  return all;
}

/** The nearest unit of `level` at or above `unitId`. */
export async function ancestorAt(db: Client, unitId: number, level: UnitLevel): Promise<UnitRef | undefined> {
  return (await unitChain(db, unitId)).find((u) => u.level === level);
}

/** People holding `role` on the unit, by name. */
export async function holders(
  db: Client,
  unitId: number,
  role: Role,
): Promise<{ id: number; openId: string; name: string }[]> {
  const duties = await db.duty.findMany({
    where: { unitId, role },
    include: { person: true },
    orderBy: { id: "asc" },
  });
  return duties.map((d) => ({ id: d.person.id, openId: d.person.openId, name: d.person.name }));
}

/** The roles a person holds on any of the given units. */
export async function rolesOn(db: Client, personId: number, unitIds: number[]): Promise<Set<Role>> {
  const duties = await db.duty.findMany({ where: { personId, unitId: { in: unitIds } }, select: { role: true } });
  return new Set(duties.map((d) => d.role as Role));
}

/** Every unit id on which the person has a duty, with the role. */
export async function dutiesOf(db: Client, personId: number): Promise<{ unitId: number; role: Role }[]> {
  const duties = await db.duty.findMany({ where: { personId }, select: { unitId: true, role: true } });
  return duties.map((d) => ({ unitId: d.unitId, role: d.role as Role }));
}
