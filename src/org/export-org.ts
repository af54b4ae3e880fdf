import type { Db } from "../db/client.ts";
import { LIMIT_UNITS, type LimitUnit } from "../domain/deadline.ts";
import { storedAreaGeometry } from "../domain/geo.ts";
import {
  CATEGORY_CLASSES,
  CATEGORY_KINDS,
  type CategoryClass,
  type CategoryKind,
  CHAT_PURPOSES,
  type ChatPurpose,
  OBJECT_TYPES,
  type ObjectType,
  PATROL_FREQUENCIES,
  PATROL_LEVELS,
  type PatrolFrequency,
  type PatrolLevel,
  ROLES,
  type Role,
  UNIT_LEVELS,
  type UnitLevel,
} from "../domain/types.ts";
import type { OrgCategory, OrgChat, OrgData, OrgPatrol, OrgPerson, OrgPoint, OrgUnit } from "./org-data.ts";

const oneOf =
  <C extends string>(codes: readonly C[], what: string) =>
  (value: string): C => {
    if ((codes as readonly string[]).includes(value)) return value as C;
    throw new Error(`stored ${what} "${value}" is not one of ${codes.join(", ")}`);
  };
const asLevel = oneOf<UnitLevel>(UNIT_LEVELS, "unit level");
const asRole = oneOf<Role>(ROLES, "role");
const asKind = oneOf<CategoryKind>(CATEGORY_KINDS, "category kind");
const asClass = oneOf<CategoryClass>(CATEGORY_CLASSES, "category class");
const asPurpose = oneOf<ChatPurpose>(CHAT_PURPOSES, "chat purpose");
const asLimitUnit = oneOf<LimitUnit>(LIMIT_UNITS, "limit unit");
const asObjectType = oneOf<ObjectType>(OBJECT_TYPES, "object type");
const asPatrolLevel = oneOf<PatrolLevel>(PATROL_LEVELS, "patrol level");
const asFrequency = oneOf<PatrolFrequency>(PATROL_FREQUENCIES, "patrol frequency");

const texts = (json: unknown): string[] => (Array.isArray(json) ? json.map(String) : []);

/**
 * The whole organisation stored in the database, in the import format: units in tree order (parents before
 * children, departments after areas, siblings by code), points by grid, people with every duty, every category with
 * all its fields, every chat binding and every patrol plan. Importing the result into the same database changes nothing; written with
 * writeOrgWorkbook it is a filled-in template to edit and import again.
 */
export async function exportOrg(db: Db): Promise<OrgData> {
  const [units, points, people, categories, chats, plans] = await Promise.all([
    db.unit.findMany(),
    db.point.findMany(),
    db.person.findMany({ include: { duties: true }, orderBy: { id: "asc" } }),
    db.category.findMany({ include: { streetLimits: true }, orderBy: { id: "asc" } }),
    db.chatBinding.findMany({ orderBy: { id: "asc" } }),
    db.patrolPlan.findMany({ include: { point: true, person: true }, orderBy: { id: "asc" } }),
  ]);

  const codeOf = new Map(units.map((u) => [u.id, u.code]));
  const unitCode = (id: number): string => {
    const code = codeOf.get(id);
    if (code === undefined) throw new Error(`unit ${id} is referenced but missing`);
    return code;
  };
  const rank = (level: string) => UNIT_LEVELS.indexOf(asLevel(level));
  const bySiblingOrder = (a: (typeof units)[number], b: (typeof units)[number]) =>
    rank(a.level) - rank(b.level) || a.code.localeCompare(b.code);
  const children = new Map<number | null, typeof units>();
  for (const u of units) {
    const key = u.parentId !== null && codeOf.has(u.parentId) ? u.parentId : null;
    children.set(key, [...(children.get(key) ?? []), u]);
  }
  const ordered: typeof units = [];
  const visit = (parent: number | null) => {
    for (const u of (children.get(parent) ?? []).sort(bySiblingOrder)) {
      ordered.push(u);
      visit(u.id);
    }
  };
  visit(null);
  const position = new Map(ordered.map((u, i) => [u.id, i]));
  const at = (id: number) => position.get(id) ?? Number.MAX_SAFE_INTEGER;

  const orgUnits: OrgUnit[] = ordered.map((u) => ({
    code: u.code,
    name: u.name,
    level: asLevel(u.level),
    parent: u.parentId === null ? null : unitCode(u.parentId),
    aliases: texts(u.aliases),
    ...withBoundary(u.boundary),
  }));
  const orgPoints: OrgPoint[] = [...points]
    .sort((a, b) => at(a.gridId) - at(b.gridId) || a.code.localeCompare(b.code))
    .map((p) => ({
      code: p.code,
      name: p.name,
      grid: unitCode(p.gridId),
      aliases: texts(p.aliases),
      key: p.key,
      ...(p.lat !== null && p.long !== null && { lat: p.lat, long: p.long }),
    }));
  const orgPeople: OrgPerson[] = people.map((p) => ({
    openId: p.openId,
    name: p.name,
    ...(p.mobile === null ? {} : { mobile: p.mobile }),
    duties: [...p.duties]
      .sort((a, b) => at(a.unitId) - at(b.unitId) || ROLES.indexOf(asRole(a.role)) - ROLES.indexOf(asRole(b.role)))
      .map((d) => ({ unit: unitCode(d.unitId), role: asRole(d.role) })),
  }));
  const orgCategories: OrgCategory[] = categories.map((c) => ({
    code: c.code,
    name: c.name,
    kind: asKind(c.kind),
    class: asClass(c.class),
    keywords: texts(c.keywords),
    limit: { amount: c.limitAmount, unit: asLimitUnit(c.limitUnit) },
    streetLimits: [...c.streetLimits]
      .sort((a, b) => at(a.streetId) - at(b.streetId))
      .map((l) => ({ street: unitCode(l.streetId), limit: { amount: l.limitAmount, unit: asLimitUnit(l.limitUnit) } })),
    objectType: asObjectType(c.objectType),
    ...(c.standardMajor === null ? {} : { standardMajor: c.standardMajor }),
    ...(c.standardMinor === null ? {} : { standardMinor: c.standardMinor }),
    afterPhotoRequired: c.afterPhotoRequired,
    ...(c.defaultDepartmentId === null ? {} : { department: unitCode(c.defaultDepartmentId) }),
  }));
  const orgChats: OrgChat[] = chats.map((c) => ({
    chatId: c.chatId,
    ...(c.name === null ? {} : { name: c.name }),
    unit: unitCode(c.unitId),
    purpose: asPurpose(c.purpose),
    digestTime: c.digestTime,
  }));
  const orgPatrols: OrgPatrol[] = plans.map((p) => ({
    point: p.point.code,
    level: asPatrolLevel(p.level),
    frequency: asFrequency(p.frequency),
    ...(p.person && { person: p.person.openId }),
    ...(p.unitId !== null && { unit: unitCode(p.unitId) }),
  }));
  return {
    units: orgUnits,
    points: orgPoints,
    people: orgPeople,
    categories: orgCategories,
    chats: orgChats,
    patrols: orgPatrols,
  };
}

/** The `boundary` of an exported unit, when it has a valid one. */
function withBoundary(stored: unknown): Pick<OrgUnit, "boundary"> {
  const boundary = storedAreaGeometry(stored);
  return boundary ? { boundary } : {};
}
