import { LIMIT_UNITS, type LimitUnit, type TimeLimit } from "../domain/deadline.ts";
import type { ChatPurpose, ObjectType, Role, UnitLevel } from "../domain/types.ts";
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

/** A point (点位) of a grid. */
export interface PointRef {
  id: number;
  code: string;
  name: string;
  gridId: number;
  aliases: string[];
  /** A key point (重点点位): patrolled more, listed first where points are listed. */
  key: boolean;
}

/** A category as filing and the card need it. */
export interface CategoryRef {
  id: number;
  code: string;
  name: string;
  keywords: string[];
  kind: string;
  class: string;
  /** The time allowed to rectify, unless the issue's street sets its own ({@link limitIn}). */
  limit: TimeLimit;
  /** The streets that set their own time limit for this category, by street unit id. */
  streetLimits: ReadonlyMap<number, TimeLimit>;
  objectType: ObjectType;
  standardMajor: string | null;
  standardMinor: string | null;
  defaultDepartmentId: number | null;
  afterPhotoRequired: boolean;
}

/** A duty with the person holding it. */
export interface DutyRef {
  personId: number;
  openId: string;
  name: string;
  unitId: number;
  role: Role;
}

/** A chat bound to a unit. */
export interface BindingRef {
  chatId: string;
  name: string | null;
  unitId: number;
  purpose: ChatPurpose;
  digestTime: string;
  settings: unknown;
}

/**
 * The organisation at one revision: units, points, categories, duties and chat bindings, read together and
 * looked up in memory. Lookups keep the database's order (units and points by id, duties by id).
 */
export interface Org {
  /** The revision token it was read at (empty when the database has none). */
  revision: string;
  units: ReadonlyMap<number, UnitRef>;
  childrenOf: ReadonlyMap<number, readonly UnitRef[]>;
  points: ReadonlyMap<number, PointRef>;
  categories: readonly CategoryRef[];
  duties: readonly DutyRef[];
  dutiesByUnit: ReadonlyMap<number, readonly DutyRef[]>;
  dutiesByPerson: ReadonlyMap<number, readonly DutyRef[]>;
  dutiesByOpenId: ReadonlyMap<string, readonly DutyRef[]>;
  bindings: ReadonlyMap<string, BindingRef>;
}

/**
 * Snapshots by revision token; tokens are random, so databases sharing a process never share a snapshot. `ready`
 * once the load has finished.
 */
const snapshots = new Map<string, { load: Promise<Org>; ready?: Org }>();
const SNAPSHOTS_KEPT = 4;
/** Inside a transaction the org is read once. */
const perTransaction = new WeakMap<object, Promise<Org>>();

/**
 * The org as `client` sees it now. Costs one small query when the org has not changed since the last call (the
 * revision token, replaced by database triggers on every org write); reloads it when it has.
 */
export function orgOf(client: Client): Promise<Org> {
  if ("$transaction" in client) return currentOrg(client);
  let org = perTransaction.get(client);
  if (!org) {
    org = currentOrg(client);
    perTransaction.set(client, org);
  }
  return org;
}

/**
 * Makes `org` the org of the transaction `tx`: its {@link orgOf} gives it without reading the revision again. For
 * work decided by an org read just before the transaction (a message routed by it), which then goes on with it.
 */
export function useOrg(tx: Tx, org: Org): void {
  perTransaction.set(tx, Promise.resolve(org));
}

async function currentOrg(client: Client): Promise<Org> {
  // Raw: read before every chat message and in every transaction that needs the org, and a raw statement is not
  // compiled by Prisma.
  const [revision] = await client.$queryRaw<{ token: string }[]>`SELECT "token" FROM "OrgRevision" WHERE "id" = 1`;
  if (!revision) return loadOrg(client, "");
  const { token } = revision;
  const cached = snapshots.get(token);
  if (cached?.ready) return cached.ready;
  // A transaction never waits for a load it did not start: that load's next statement waits for the transaction.
  const inTransaction = !("$transaction" in client);
  if (cached && !inTransaction) return cached.load;
  const entry: { load: Promise<Org>; ready?: Org } = { load: loadOrg(client, token) };
  snapshots.set(token, entry);
  entry.load.then(
    (org) => {
      entry.ready = org;
    },
    () => {
      if (snapshots.get(token) === entry) snapshots.delete(token);
    },
  );
  for (const old of snapshots.keys()) {
    if (snapshots.size <= SNAPSHOTS_KEPT) break;
    snapshots.delete(old);
  }
  return entry.load;
}

async function loadOrg(client: Client, revision: string): Promise<Org> {
  const [unitRows, pointRows, categoryRows, streetLimitRows, dutyRows, bindingRows] = [
    await client.unit.findMany({ orderBy: { id: "asc" } }),
    await client.point.findMany({ orderBy: { id: "asc" } }),
    await client.category.findMany({ orderBy: { id: "asc" } }),
    await client.streetCategoryLimit.findMany({ orderBy: { id: "asc" } }),
    await client.duty.findMany({ orderBy: { id: "asc" }, include: { person: true } }),
    await client.chatBinding.findMany({ orderBy: { id: "asc" } }),
  ];
  const units = new Map<number, UnitRef>();
  const childrenOf = new Map<number, UnitRef[]>();
  for (const u of unitRows) {
    const unit: UnitRef = {
      id: u.id,
      code: u.code,
      name: u.name,
      level: u.level as UnitLevel,
      parentId: u.parentId,
      aliases: strings(u.aliases),
    };
    units.set(unit.id, unit);
    if (unit.parentId !== null) {
      const siblings = childrenOf.get(unit.parentId) ?? [];
      siblings.push(unit);
      childrenOf.set(unit.parentId, siblings);
    }
  }
  const duties: DutyRef[] = dutyRows.map((d) => ({
    personId: d.personId,
    openId: d.person.openId,
    name: d.person.name,
    unitId: d.unitId,
    role: d.role as Role,
  }));
  return {
    revision,
    units,
    childrenOf,
    points: new Map(
      pointRows.map((p) => [
        p.id,
        { id: p.id, code: p.code, name: p.name, gridId: p.gridId, aliases: strings(p.aliases), key: p.key },
      ]),
    ),
    categories: categoryRows.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      keywords: strings(c.keywords),
      kind: c.kind,
      class: c.class,
      limit: timeLimit(c.limitAmount, c.limitUnit),
      streetLimits: new Map(
        streetLimitRows
          .filter((l) => l.categoryId === c.id)
          .map((l) => [l.streetId, timeLimit(l.limitAmount, l.limitUnit)]),
      ),
      objectType: c.objectType === "component" ? "component" : "event",
      standardMajor: c.standardMajor,
      standardMinor: c.standardMinor,
      defaultDepartmentId: c.defaultDepartmentId,
      afterPhotoRequired: c.afterPhotoRequired,
    })),
    duties,
    dutiesByUnit: groupBy(duties, (d) => d.unitId),
    dutiesByPerson: groupBy(duties, (d) => d.personId),
    dutiesByOpenId: groupBy(duties, (d) => d.openId),
    bindings: new Map(
      bindingRows.map((b) => [
        b.chatId,
        {
          chatId: b.chatId,
          name: b.name,
          unitId: b.unitId,
          purpose: b.purpose as ChatPurpose,
          digestTime: b.digestTime,
          settings: b.settings,
        },
      ]),
    ),
  };
}

/** A stored time limit; a unit the code does not know (never written) reads as 自然时. */
function timeLimit(amount: number, unit: string): TimeLimit {
  return { amount, unit: (LIMIT_UNITS as readonly string[]).includes(unit) ? (unit as LimitUnit) : "natural_hours" };
}

/**
 * The time limit of an issue of `categoryId` in `gridId`: the limit the grid's street sets for the category, else the
 * category's own (behaviour §2.20); null without a category.
 */
export function issueLimit(org: Org, categoryId: number | null, gridId: number | null): TimeLimit | null {
  return limitInStreet(org, categoryId, gridId === null ? null : (ancestorAt(org, gridId, "street")?.id ?? null));
}

/** The time limit of an issue of `categoryId` in the street `streetId` (null: in none), as {@link issueLimit}. */
function limitInStreet(org: Org, categoryId: number | null, streetId: number | null): TimeLimit | null {
  const category = categoryOf(org, categoryId);
  if (!category) return null;
  return (streetId === null ? undefined : category.streetLimits.get(streetId)) ?? category.limit;
}

/**
 * {@link issueLimit}'s unit for many issues: each grid's street looked up once, each category's limit in a street
 * once, for statistics that count thousands of issues' durations in their limit's unit (behaviour §8.7); null
 * without a category.
 */
export function limitUnitLookup(org: Org): (categoryId: number | null, gridId: number | null) => LimitUnit | null {
  const streetOf = new Map<number, number | null>();
  const known = new Map<number | null, Map<number | null, LimitUnit | null>>();
  return (categoryId, gridId) => {
    let streetId: number | null = null;
    if (gridId !== null) {
      const street = streetOf.get(gridId);
      streetId = street === undefined ? (ancestorAt(org, gridId, "street")?.id ?? null) : street;
      if (street === undefined) streetOf.set(gridId, streetId);
    }
    let inCategory = known.get(categoryId);
    if (!inCategory) {
      inCategory = new Map();
      known.set(categoryId, inCategory);
    }
    let unit = inCategory.get(streetId);
    if (unit === undefined) {
      unit = limitInStreet(org, categoryId, streetId)?.unit ?? null;
      inCategory.set(streetId, unit);
    }
    return unit;
  };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The unit and its ancestors, nearest first (grid, community, street, district). */
export function unitChain(org: Org, unitId: number): UnitRef[] {
  const chain: UnitRef[] = [];
  let next = org.units.get(unitId);
  while (next && chain.length < 10) {
    chain.push(next);
    next = next.parentId === null ? undefined : org.units.get(next.parentId);
  }
  return chain;
}

/** The unit and everything below it, level by level. */
export function unitSubtree(org: Org, unitId: number): UnitRef[] {
  const root = org.units.get(unitId);
  if (!root) return [];
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...(org.childrenOf.get(all[i]?.id ?? -1) ?? []));
  return all;
}

/** The nearest unit of `level` at or above `unitId`. */
export function ancestorAt(org: Org, unitId: number, level: UnitLevel): UnitRef | undefined {
  return unitChain(org, unitId).find((u) => u.level === level);
}

/** People holding `role` on the unit, in the order their duties were recorded. */
export function holders(org: Org, unitId: number, role: Role): { id: number; openId: string; name: string }[] {
  return (org.dutiesByUnit.get(unitId) ?? [])
    .filter((d) => d.role === role)
    .map((d) => ({ id: d.personId, openId: d.openId, name: d.name }));
}

/** The roles a person holds on any of the given units. */
export function rolesOn(org: Org, personId: number, unitIds: readonly number[]): Set<Role> {
  const units = new Set(unitIds);
  return new Set((org.dutiesByPerson.get(personId) ?? []).filter((d) => units.has(d.unitId)).map((d) => d.role));
}

/** Every unit on which the person has a duty, with the role. */
export function dutiesOf(org: Org, personId: number): { unitId: number; role: Role }[] {
  return (org.dutiesByPerson.get(personId) ?? []).map((d) => ({ unitId: d.unitId, role: d.role }));
}

/** The category with this id. */
export function categoryOf(org: Org, categoryId: number | null): CategoryRef | undefined {
  return categoryId === null ? undefined : org.categories.find((c) => c.id === categoryId);
}

/** The category, grid and point an issue is filed under, each undefined where it has none. */
export function filedUnder(
  org: Org,
  issue: { categoryId: number | null; gridId: number | null; pointId: number | null },
): { category: CategoryRef | undefined; grid: UnitRef | undefined; point: PointRef | undefined } {
  return {
    category: categoryOf(org, issue.categoryId),
    grid: issue.gridId === null ? undefined : org.units.get(issue.gridId),
    point: issue.pointId === null ? undefined : org.points.get(issue.pointId),
  };
}
