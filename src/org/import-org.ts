/**
 * `riqing import <file>`: brings units, points, people and their duties, categories, chat bindings and patrol plans
 * (点位包干分工) from an org file (YAML or .xlsx) into the database. All or nothing: every row is checked first — cells, duplicates,
 * references to units in the file or already in the database — and one bad row means nothing is written.
 */

import { basename } from "node:path";
import { bindChat } from "../db/bindings.ts";
import type { Db, Tx } from "../db/client.ts";
import type { Role, UnitLevel } from "../domain/types.ts";
import { type ENTITY_LABELS, FIELD_NAMES, T } from "../texts/org.ts";
import { type CatalogueResult, categoryColumns, categoryRules, ensureCatalogue } from "./catalogue.ts";
import {
  type Located,
  ORG_SECTIONS,
  type OrgCategory,
  type OrgPatrol,
  type OrgProblem,
  type OrgStreetLimit,
  type OrgUnit,
  orgRowCount,
  type ParsedOrg,
  type SourceLoc,
} from "./org-data.ts";
import { patrolKey } from "./parse-org-rows.ts";
import { readOrgFile } from "./read-org-file.ts";

/** The kinds of rows an import writes, in report order. */
export type ImportEntity = keyof typeof ENTITY_LABELS;

/** How many rows of one kind the import added, changed, found as they were, or (duties only) removed. */
export interface EntityCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** The outcome of {@link importOrg}. */
export interface ImportReport {
  /** File name as given, without directories. */
  file: string;
  /** False when the file was rejected; then nothing was written. */
  ok: boolean;
  /** True when the import only checked and counted, and wrote nothing. */
  dryRun: boolean;
  /** True when the import changed (or, in a dry run, would change) anything. */
  changed: boolean;
  counts: Record<ImportEntity, EntityCounts>;
  /** Default catalogue categories added or linked to their department along the way. */
  catalogue: CatalogueResult;
  /** Every bad row, in file order; empty when ok. */
  problems: OrgProblem[];
  /** Open issues whose owner lost their duty in this import, and whom each passed to (behaviour §1.9). */
  handedOver: HandedOverIssue[];
}

/** A duty the import removed. */
export interface RemovedDuty {
  personId: number;
  unitId: number;
  role: string;
}

/** An open issue passed on because its owner lost their duty: its number, from whom, to whom (null: 待派单). */
export interface HandedOverIssue {
  number: number;
  from: string;
  to: string | null;
}

/** Options of {@link importOrg}. */
export interface ImportOptions {
  /** Check and count everything, then roll back. */
  dryRun?: boolean;
  /**
   * Runs in the import's transaction once everything is written, with the duties it removed: passes on the open
   * issues of people who lost their duty (commands/hand-over-issues.ts) and says which.
   */
  afterWrite?: (tx: Tx, removed: readonly RemovedDuty[]) => Promise<HandedOverIssue[]>;
}

/** Parent levels a unit of each level may hang under (a unit may also have no parent). */
const ALLOWED_PARENTS: Readonly<Record<UnitLevel, readonly UnitLevel[]>> = {
  district: ["district"],
  street: ["district"],
  community: ["street"],
  grid: ["community", "street"],
  microgrid: ["grid"],
  department: ["district", "street", "community", "department"],
};

const GRID_LEVELS: readonly UnitLevel[] = ["grid", "microgrid"];

/** Generous: a district's roster of thousands of rows is written in one transaction. */
const TRANSACTION_TIMEOUT_MS = 10 * 60_000;
/** How long to wait for another import (or any other interactive transaction) to finish. */
const TRANSACTION_MAX_WAIT_MS = 60_000;

class Rejected extends Error {
  constructor(readonly problems: OrgProblem[]) {
    super("import rejected");
  }
}

class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super("dry run rolled back");
  }
}

/**
 * Imports an org file. Units, points and categories are matched by code (categories also by name), people by
 * open_id, chat bindings by chat_id; rows are created or updated, and rows already as the file says are counted as
 * unchanged, so a second import of the same file changes nothing. For every person in the file, their duties on
 * the units the file mentions become exactly the duties the file lists. The default catalogue is loaded first, so
 * the file can override catalogue categories by name. Returns a report rather than throwing for a bad file; throws
 * only when the database itself fails.
 */
export async function importOrg(db: Db, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const file = basename(path);
  const dryRun = options.dryRun ?? false;
  const { org, problems } = await readOrgFile(path);
  const rows = orgRowCount(org);
  // Nothing usable was read (missing file, broken YAML): no need to look at the database.
  if (problems.length > 0 && rows === 0) return rejected(file, dryRun, problems);
  try {
    return await db.$transaction(
      async (tx) => {
        const first = await ensureCatalogue(tx);
        const state = await loadState(tx, org);
        const all = [...problems, ...checkReferences(org, state)];
        if (all.length > 0) throw new Rejected(all);
        const { counts, removed } = await write(tx, org, state);
        const handedOver = (await options.afterWrite?.(tx, removed)) ?? [];
        const second = await ensureCatalogue(tx);
        const catalogue = { inserted: first.inserted + second.inserted, linked: first.linked + second.linked };
        const report: ImportReport = {
          file,
          ok: true,
          dryRun,
          changed: hasChanges(counts, catalogue),
          counts,
          catalogue,
          problems: [],
          handedOver,
        };
        if (dryRun) throw new DryRunDone(report);
        return report;
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_MAX_WAIT_MS },
    );
  } catch (error) {
    if (error instanceof DryRunDone) return error.report;
    if (error instanceof Rejected) return rejected(file, dryRun, error.problems);
    throw error;
  }
}

function rejected(file: string, dryRun: boolean, problems: OrgProblem[]): ImportReport {
  return {
    file,
    ok: false,
    dryRun,
    changed: false,
    counts: emptyCounts(),
    catalogue: { inserted: 0, linked: 0 },
    problems: sortProblems(problems),
    handedOver: [],
  };
}

function emptyCounts(): Record<ImportEntity, EntityCounts> {
  const zero = (): EntityCounts => ({ created: 0, updated: 0, unchanged: 0, removed: 0 });
  return {
    units: zero(),
    points: zero(),
    people: zero(),
    duties: zero(),
    categories: zero(),
    chats: zero(),
    patrols: zero(),
  };
}

function hasChanges(counts: Record<ImportEntity, EntityCounts>, catalogue: CatalogueResult): boolean {
  return (
    catalogue.inserted + catalogue.linked > 0 ||
    Object.values(counts).some((c) => c.created + c.updated + c.removed > 0)
  );
}

/** File order: by section, then row; problems about the whole file first. */
function sortProblems(problems: OrgProblem[]): OrgProblem[] {
  const rank = (loc: SourceLoc) => (loc.section === undefined ? -1 : ORG_SECTIONS.indexOf(loc.section));
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.loc) - rank(b.p.loc) || (a.p.loc.row ?? 0) - (b.p.loc.row ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

// ---------------------------------------------------------------------------------------------------------------
// What the database holds for the rows the file names.

interface StoredUnit {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  aliases: unknown;
  boundary: unknown;
}

interface StoredCategory {
  id: number;
  code: string;
  name: string;
  kind: string;
  class: string;
  keywords: unknown;
  limitAmount: number;
  limitUnit: string;
  objectType: string;
  standardMajor: string | null;
  standardMinor: string | null;
  afterPhotoRequired: boolean;
  defaultDepartmentId: number | null;
}

type State = Awaited<ReturnType<typeof loadState>>;

async function loadState(tx: Tx, org: ParsedOrg) {
  const units: StoredUnit[] = await tx.unit.findMany({
    select: { id: true, code: true, name: true, level: true, parentId: true, aliases: true, boundary: true },
  });
  const unitsByCode = new Map(units.map((u) => [u.code, u]));
  const unitsById = new Map(units.map((u) => [u.id, u]));

  const points = await tx.point.findMany({ where: { code: { in: org.points.map((p) => p.value.code) } } });
  const people = await tx.person.findMany({
    where: { openId: { in: org.people.map((p) => p.value.openId) } },
    include: { duties: { include: { unit: { select: { code: true } } } } },
  });
  const categories: StoredCategory[] = await tx.category.findMany();
  const streetLimits = await tx.streetCategoryLimit.findMany({ orderBy: { id: "asc" } });
  const chats = await tx.chatBinding.findMany({ where: { chatId: { in: org.chats.map((c) => c.value.chatId) } } });
  const patrolPoints = await tx.point.findMany({
    where: { code: { in: [...new Set(org.patrols.map((p) => p.value.point))] } },
    select: { id: true, code: true, patrolPlans: { include: { person: true, unit: true } } },
  });
  const patrollers = await tx.person.findMany({
    where: { openId: { in: org.patrols.flatMap((p) => (p.value.person === undefined ? [] : [p.value.person])) } },
    select: { id: true, openId: true },
  });

  // Points that stay behind in a unit whose level the file changes away from grid.
  const leavingGrid = org.units
    .map((u) => unitsByCode.get(u.value.code))
    .filter((u): u is StoredUnit => u !== undefined && GRID_LEVELS.includes(u.level as UnitLevel))
    .map((u) => u.id);
  const pointsInUnits =
    leavingGrid.length === 0
      ? []
      : await tx.point.findMany({ where: { gridId: { in: leavingGrid } }, select: { code: true, gridId: true } });

  return {
    unitsByCode,
    unitsById,
    points: new Map(points.map((p) => [p.code, p])),
    people: new Map(people.map((p) => [p.openId, p])),
    categoriesByCode: new Map(categories.map((c) => [c.code, c])),
    categoriesByName: new Map(categories.map((c) => [c.name, c])),
    streetLimits,
    chats: new Map(chats.map((c) => [c.chatId, c])),
    pointsInUnits,
    patrolPoints: new Map(patrolPoints.map((p) => [p.code, p])),
    patrollers: new Map(patrollers.map((p) => [p.openId, p.id])),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks that need the whole file and the database.

function checkReferences(org: ParsedOrg, state: State): OrgProblem[] {
  const problems: OrgProblem[] = [];
  const fileUnits = new Map(org.units.map((u) => [u.value.code, u.value]));
  const levelOf = (code: string): UnitLevel | undefined =>
    fileUnits.get(code)?.level ?? (state.unitsByCode.get(code)?.level as UnitLevel | undefined);
  const parentOf = (code: string): string | null => {
    const inFile = fileUnits.get(code);
    if (inFile) return inFile.parent;
    const parentId = state.unitsByCode.get(code)?.parentId;
    return parentId == null ? null : (state.unitsById.get(parentId)?.code ?? null);
  };
  /** The level of a referenced unit; reports it when unknown (unless its own row was already rejected). */
  const resolve = (loc: SourceLoc, code: string, unknown: (c: string) => string): UnitLevel | undefined => {
    const level = levelOf(code);
    if (level === undefined && !org.rejected.units.has(code)) problems.push({ loc, message: unknown(code) });
    return level;
  };

  for (const { loc, value: unit } of org.units) {
    if (unit.parent === null) continue;
    if (unit.parent === unit.code) {
      problems.push({ loc, message: T.selfParent(unit.code) });
      continue;
    }
    const parentLevel = resolve(loc, unit.parent, T.unknownParent);
    if (parentLevel !== undefined && !ALLOWED_PARENTS[unit.level].includes(parentLevel)) {
      problems.push({ loc, message: T.badParentLevel(unit.parent, parentLevel, unit.level) });
    } else if (parentLevel !== undefined && hasCycle(unit.code, parentOf)) {
      problems.push({ loc, message: T.parentCycle(unit.code) });
    }
  }
  const movedPoints = new Map(org.points.map((p) => [p.value.code, p.value.grid]));
  for (const { loc, value: unit } of org.units) {
    if (GRID_LEVELS.includes(unit.level)) continue;
    const stored = state.unitsByCode.get(unit.code);
    const stays = state.pointsInUnits.some(
      (p) => p.gridId === stored?.id && (movedPoints.get(p.code) ?? unit.code) === unit.code,
    );
    if (stays) problems.push({ loc, message: T.unitHasPoints(unit.code, unit.level) });
  }

  for (const { loc, value: point } of org.points) {
    const level = resolve(loc, point.grid, T.unknownGrid);
    if (level !== undefined && !GRID_LEVELS.includes(level)) {
      problems.push({ loc, message: T.notAGrid(point.grid, level) });
    }
  }

  for (const person of org.people) {
    for (const { loc, value: duty } of person.duties) resolve(loc, duty.unit, T.unknownUnit);
  }

  const targets = new Map<number, SourceLoc>();
  for (const { loc, value: category } of org.categories) {
    const target = categoryTarget(category, state);
    const key = category.code ?? category.name ?? "";
    if (target) {
      const earlier = targets.get(target.id);
      if (earlier) problems.push({ loc, message: T.duplicate(FIELD_NAMES.category, key, earlier.row) });
      targets.set(target.id, loc);
    } else if (category.code === undefined) {
      problems.push({ loc, message: T.newCategoryNeedsCode(key) });
    } else if (category.name === undefined) {
      problems.push({ loc, message: T.newCategoryNeedsName(key) });
    } else {
      if (category.kind === undefined) problems.push({ loc, message: T.newCategoryNeeds(FIELD_NAMES.kind, key) });
      if (category.class === undefined) {
        problems.push({ loc, message: T.newCategoryNeeds(FIELD_NAMES.class, key) });
      }
    }
    const sameName = category.name === undefined ? undefined : state.categoriesByName.get(category.name);
    if (category.name !== undefined && sameName && sameName.id !== target?.id) {
      problems.push({ loc, message: T.categoryNameTaken(category.name, sameName.code) });
    }
    if (category.department !== undefined) {
      const level = resolve(loc, category.department, T.unknownDepartment);
      if (level !== undefined && level !== "department") {
        problems.push({ loc, message: T.notADepartment(category.department, level) });
      }
    }
    for (const { street } of category.streetLimits ?? []) {
      const level = resolve(loc, street, T.unknownUnit);
      if (level !== undefined && level !== "street") problems.push({ loc, message: T.notAStreet(street, level) });
    }
  }

  for (const { loc, value: chat } of org.chats) {
    const level = resolve(loc, chat.unit, T.unknownUnit);
    if (chat.purpose === "department" && level !== undefined && level !== "department") {
      problems.push({ loc, message: T.departmentChat(chat.unit, level) });
    }
  }

  const filePoints = new Set(org.points.map((p) => p.value.code));
  const filePeople = new Set(org.people.map((p) => p.value.openId));
  for (const { loc, value: patrol } of org.patrols) {
    if (!filePoints.has(patrol.point) && !state.patrolPoints.has(patrol.point)) {
      problems.push({ loc, message: T.unknownPoint(patrol.point) });
    }
    const person = patrol.person;
    if (person !== undefined && !filePeople.has(person) && !state.patrollers.has(person)) {
      if (!org.rejected.people.has(person)) problems.push({ loc, message: T.unknownPatroller(person) });
    }
    if (patrol.unit !== undefined) resolve(loc, patrol.unit, T.unknownUnit);
  }
  return problems;
}

function hasCycle(start: string, parentOf: (code: string) => string | null): boolean {
  const seen = new Set<string>([start]);
  for (let code = parentOf(start); code !== null; code = parentOf(code)) {
    if (code === start) return true;
    // A loop further up is reported on the units that form it.
    if (seen.has(code)) return false;
    seen.add(code);
  }
  return false;
}

/** The stored category a file row changes: the one with its code, else the one with its name. */
function categoryTarget(category: OrgCategory, state: State): StoredCategory | undefined {
  return (
    (category.code === undefined ? undefined : state.categoriesByCode.get(category.code)) ??
    (category.name === undefined ? undefined : state.categoriesByName.get(category.name))
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

const sameList = (stored: unknown, wanted: readonly string[]): boolean =>
  JSON.stringify(stored) === JSON.stringify(wanted);

async function write(
  tx: Tx,
  org: ParsedOrg,
  state: State,
): Promise<{ counts: Record<ImportEntity, EntityCounts>; removed: RemovedDuty[] }> {
  const counts = emptyCounts();
  const removed: RemovedDuty[] = [];
  const count = (entity: ImportEntity, outcome: "created" | "updated" | "unchanged") => {
    counts[entity][outcome]++;
  };
  const unitId = (code: string): number => {
    const unit = state.unitsByCode.get(code);
    if (!unit) throw new Error(`unit ${code} vanished during import`);
    return unit.id;
  };

  for (const { value: unit } of parentsFirst(org.units)) {
    const stored = state.unitsByCode.get(unit.code);
    const data = {
      name: unit.name,
      level: unit.level,
      parentId: unit.parent === null ? null : unitId(unit.parent),
      aliases: unit.aliases,
      ...(unit.boundary && { boundary: unit.boundary }),
    };
    if (!stored) {
      const created = await tx.unit.create({ data: { code: unit.code, ...data } });
      state.unitsByCode.set(created.code, created);
      state.unitsById.set(created.id, created);
      count("units", "created");
    } else if (
      stored.name === data.name &&
      stored.level === data.level &&
      stored.parentId === data.parentId &&
      sameList(stored.aliases, data.aliases) &&
      (data.boundary === undefined || JSON.stringify(stored.boundary) === JSON.stringify(data.boundary))
    ) {
      count("units", "unchanged");
    } else {
      await tx.unit.update({ where: { id: stored.id }, data });
      Object.assign(stored, data);
      count("units", "updated");
    }
  }

  for (const { value: point } of org.points) {
    const stored = state.points.get(point.code);
    const data = {
      name: point.name,
      gridId: unitId(point.grid),
      aliases: point.aliases,
      key: point.key,
      ...(point.lat !== undefined && { lat: point.lat, long: point.long }),
    };
    if (!stored) {
      await tx.point.create({ data: { code: point.code, ...data } });
      count("points", "created");
    } else if (
      stored.name === data.name &&
      stored.gridId === data.gridId &&
      stored.key === data.key &&
      sameList(stored.aliases, data.aliases) &&
      (data.lat === undefined || (stored.lat === data.lat && stored.long === data.long))
    ) {
      count("points", "unchanged");
    } else {
      await tx.point.update({ where: { id: stored.id }, data });
      count("points", "updated");
    }
  }

  // Duties are replaced only on the units this file is about: those it lists and those its duties name.
  const scope = new Set([
    ...org.units.map((u) => u.value.code),
    ...org.people.flatMap((p) => p.duties.map((d) => d.value.unit)),
  ]);
  for (const person of org.people) {
    const { openId, name, mobile } = person.value;
    const stored = state.people.get(openId);
    let personId: number;
    if (!stored) {
      personId = (await tx.person.create({ data: { openId, name, mobile: mobile ?? null } })).id;
      count("people", "created");
    } else {
      personId = stored.id;
      if (stored.name === name && (mobile === undefined || stored.mobile === mobile)) count("people", "unchanged");
      else {
        await tx.person.update({
          where: { id: stored.id },
          data: { name, ...(mobile === undefined ? {} : { mobile }) },
        });
        count("people", "updated");
      }
    }

    const key = (unit: string, role: string) => `${unit}\u0000${role}`;
    const wanted = new Map(person.duties.map((d) => [key(d.value.unit, d.value.role), d.value]));
    const existing = (stored?.duties ?? []).filter((d) => scope.has(d.unit.code));
    for (const duty of existing) {
      if (wanted.delete(key(duty.unit.code, duty.role))) counts.duties.unchanged++;
      else {
        await tx.duty.delete({ where: { id: duty.id } });
        removed.push({ personId: duty.personId, unitId: duty.unitId, role: duty.role });
        counts.duties.removed++;
      }
    }
    for (const duty of wanted.values()) {
      await tx.duty.create({ data: { personId, unitId: unitId(duty.unit), role: duty.role satisfies Role } });
      counts.duties.created++;
    }
  }

  for (const { value: category } of org.categories) {
    const stored = categoryTarget(category, state);
    const department = category.department === undefined ? undefined : unitId(category.department);
    if (!stored) {
      const { id } = await tx.category.create({ data: newCategory(category, department) });
      await setStreetLimits(tx, id, category.streetLimits ?? [], unitId);
      count("categories", "created");
      continue;
    }
    const data = {
      ...(category.code === undefined ? {} : { code: category.code }),
      ...(category.name === undefined ? {} : { name: category.name }),
      ...(category.kind === undefined ? {} : { kind: category.kind }),
      ...(category.class === undefined ? {} : { class: category.class }),
      ...(category.keywords === undefined ? {} : { keywords: category.keywords }),
      ...(category.limit === undefined ? {} : { limitAmount: category.limit.amount, limitUnit: category.limit.unit }),
      ...(category.objectType === undefined ? {} : { objectType: category.objectType }),
      ...(category.standardMajor === undefined ? {} : { standardMajor: category.standardMajor }),
      ...(category.standardMinor === undefined ? {} : { standardMinor: category.standardMinor }),
      ...(category.afterPhotoRequired === undefined ? {} : { afterPhotoRequired: category.afterPhotoRequired }),
      ...(department === undefined ? {} : { defaultDepartmentId: department }),
    };
    const same = Object.entries(data).every(([field, value]) =>
      Array.isArray(value)
        ? sameList(stored[field as keyof StoredCategory], value)
        : stored[field as keyof StoredCategory] === value,
    );
    const limits = category.streetLimits;
    const sameLimits = limits === undefined || sameStreetLimits(state.streetLimits, stored.id, limits, unitId);
    if (same && sameLimits) count("categories", "unchanged");
    else {
      if (!same) await tx.category.update({ where: { id: stored.id }, data });
      if (!sameLimits) await setStreetLimits(tx, stored.id, limits, unitId);
      count("categories", "updated");
    }
  }

  for (const { value: chat } of org.chats) {
    const stored = state.chats.get(chat.chatId);
    const data = {
      unitId: unitId(chat.unit),
      purpose: chat.purpose,
      ...(chat.name === undefined ? {} : { name: chat.name }),
      ...(chat.digestTime === undefined ? {} : { digestTime: chat.digestTime }),
    };
    if (!stored) {
      await bindChat(tx, chat.chatId, data);
      count("chats", "created");
    } else if (
      stored.unitId === data.unitId &&
      stored.purpose === data.purpose &&
      (chat.name === undefined || stored.name === chat.name) &&
      (chat.digestTime === undefined || stored.digestTime === chat.digestTime)
    ) {
      count("chats", "unchanged");
    } else {
      await tx.chatBinding.update({ where: { id: stored.id }, data });
      count("chats", "updated");
    }
  }

  await writePatrols(tx, org, state, counts.patrols, unitId);
  return { counts, removed };
}

/**
 * The plans of every point the file's 点位包干 section names become exactly the file's lines for it (behaviour §14.1):
 * lines already stored are unchanged, others removed (a changed frequency too), new ones added. Points the section does not name keep theirs.
 */
async function writePatrols(
  tx: Tx,
  org: ParsedOrg,
  state: State,
  counts: EntityCounts,
  unitId: (code: string) => number,
): Promise<void> {
  if (org.patrols.length === 0) return;
  const codes = [...new Set(org.patrols.map((p) => p.value.point))];
  const points = new Map(
    (await tx.point.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } })).map((p) => [
      p.code,
      p.id,
    ]),
  );
  const people = new Map(
    (
      await tx.person.findMany({
        where: { openId: { in: org.patrols.flatMap((p) => (p.value.person ? [p.value.person] : [])) } },
        select: { id: true, openId: true },
      })
    ).map((p) => [p.openId, p.id]),
  );
  const wanted = new Map(org.patrols.map((p) => [patrolKey(p.value), p.value]));
  for (const stored of [...state.patrolPoints.values()].flatMap((p) => p.patrolPlans.map((plan) => ({ p, plan })))) {
    const key = patrolKey({
      point: stored.p.code,
      level: stored.plan.level as OrgPatrol["level"],
      ...(stored.plan.person && { person: stored.plan.person.openId }),
      ...(stored.plan.unit && { unit: stored.plan.unit.code }),
    });
    const line = wanted.get(key);
    if (line && line.frequency === stored.plan.frequency) {
      wanted.delete(key);
      counts.unchanged++;
    } else {
      await tx.patrolPlan.delete({ where: { id: stored.plan.id } });
      counts.removed++;
    }
  }
  for (const line of wanted.values()) {
    const pointId = points.get(line.point);
    const personId = line.person === undefined ? null : people.get(line.person);
    if (pointId === undefined || personId === undefined) throw new Error(`plan of ${line.point} lost its references`);
    await tx.patrolPlan.create({
      data: {
        pointId,
        level: line.level,
        frequency: line.frequency,
        personId,
        unitId: line.unit === undefined ? null : unitId(line.unit),
      },
    });
    counts.created++;
  }
}

/** Units ordered so that a parent in the file comes before its children (the file may list them in any order). */
function parentsFirst(units: Located<OrgUnit>[]): Located<OrgUnit>[] {
  const byCode = new Map(units.map((u) => [u.value.code, u]));
  const done = new Set<string>();
  const out: Located<OrgUnit>[] = [];
  const visit = (unit: Located<OrgUnit>) => {
    if (done.has(unit.value.code)) return;
    done.add(unit.value.code);
    const parent = unit.value.parent === null ? undefined : byCode.get(unit.value.parent);
    if (parent) visit(parent);
    out.push(unit);
  };
  for (const unit of units) visit(unit);
  return out;
}

/** Whether a category's stored street limits are the file's `limits`, street by street. */
function sameStreetLimits(
  stored: readonly { categoryId: number; streetId: number; limitAmount: number; limitUnit: string }[],
  categoryId: number,
  limits: readonly OrgStreetLimit[],
  unitId: (code: string) => number,
): boolean {
  const mine = stored.filter((l) => l.categoryId === categoryId);
  const wanted = new Map(limits.map((l) => [unitId(l.street), l.limit]));
  return (
    mine.length === wanted.size &&
    mine.every((l) => {
      const limit = wanted.get(l.streetId);
      return limit !== undefined && limit.amount === l.limitAmount && limit.unit === l.limitUnit;
    })
  );
}

/** Replaces a category's street limits with the file's (behaviour §2.8). */
async function setStreetLimits(
  tx: Tx,
  categoryId: number,
  limits: readonly OrgStreetLimit[],
  unitId: (code: string) => number,
): Promise<void> {
  await tx.streetCategoryLimit.deleteMany({ where: { categoryId } });
  for (const { street, limit } of limits) {
    await tx.streetCategoryLimit.create({
      data: { categoryId, streetId: unitId(street), limitAmount: limit.amount, limitUnit: limit.unit },
    });
  }
}

/** A new category's fields; what the file leaves out is filled in the way the catalogue does it. */
function newCategory(category: OrgCategory, department: number | undefined) {
  const { code, name, kind, class: cls } = category;
  if (code === undefined || name === undefined || kind === undefined || cls === undefined) {
    throw new Error(`category ${code ?? name} passed the checks without code, name, kind or class`);
  }
  return {
    code,
    name,
    kind,
    class: cls,
    keywords: category.keywords ?? [],
    ...categoryColumns(categoryRules(kind, cls, category)),
    standardMajor: category.standardMajor ?? null,
    standardMinor: category.standardMinor ?? null,
    defaultDepartmentId: department ?? null,
  };
}
