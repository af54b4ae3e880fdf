/**
 * A small organisation and issue rows for the statistics and ledger tests:
 *
 *   幸福街道 S ─┬─ 东苑社区 C1 ─┬─ 东苑一网格 G11 ── 东苑一网格一号楼 M111 (microgrid)
 *              │              └─ 东苑二网格 G12
 *              ├─ 西苑社区 C2 ─┬─ 西苑一网格 G21
 *              │              ├─ 西苑二网格 G22
 *              │              └─ 西苑三网格 G23
 *              └─ 城管中队 DEP (department)
 */

import { afterAll, beforeAll } from "vitest";
import { seeded } from "../../bench/lib/rng.ts";
import type { Db } from "../../src/db/client.ts";
import type { IssueStatus } from "../../src/domain/types.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

/** An instant given as Shanghai wall-clock time, "YYYY-MM-DD HH:mm". */
export const sh = (local: string): Date => new Date(`${local.replace(" ", "T")}:00+08:00`);

export const HOUR = 3_600_000;

/** Ids of the seeded organisation, by code. */
export interface Org {
  units: Record<string, number>;
  categories: Record<string, number>;
  people: number[];
  points: Record<string, number>;
}

export const UNITS: { code: string; name: string; level: string; parent: string | null }[] = [
  { code: "S", name: "幸福街道", level: "street", parent: null },
  { code: "C1", name: "东苑社区", level: "community", parent: "S" },
  { code: "C2", name: "西苑社区", level: "community", parent: "S" },
  { code: "G11", name: "东苑一网格", level: "grid", parent: "C1" },
  { code: "G12", name: "东苑二网格", level: "grid", parent: "C1" },
  { code: "M111", name: "东苑一网格一号楼", level: "microgrid", parent: "G11" },
  { code: "G21", name: "西苑一网格", level: "grid", parent: "C2" },
  { code: "G22", name: "西苑二网格", level: "grid", parent: "C2" },
  { code: "G23", name: "西苑三网格", level: "grid", parent: "C2" },
  { code: "DEP", name: "城管中队", level: "department", parent: "S" },
];

const CATEGORIES = [
  { code: "DUI", name: "堆物堆料", kind: "dynamic", class: "cleanup", limitAmount: 1, limitUnit: "natural_days" },
  { code: "TING", name: "乱停车", kind: "dynamic", class: "enforcement", limitAmount: 1, limitUnit: "natural_days" },
  { code: "XCL", name: "宣传栏破损", kind: "static", class: "engineering", limitAmount: 7, limitUnit: "natural_days" },
  {
    code: "WMSJ",
    name: "文明实践站更新不到位",
    kind: "static",
    class: "management",
    limitAmount: 3,
    limitUnit: "natural_days",
  },
];

/** Creates the organisation above with three people and one point per grid. */
export async function seedOrg(db: Db): Promise<Org> {
  const units: Record<string, number> = {};
  for (const u of UNITS) {
    const row = await db.unit.create({
      data: { code: u.code, name: u.name, level: u.level, parentId: u.parent ? units[u.parent] : null, aliases: [] },
    });
    units[u.code] = row.id;
  }
  const categories: Record<string, number> = {};
  for (const c of CATEGORIES) {
    const row = await db.category.create({ data: { ...c, keywords: [] } });
    categories[c.code] = row.id;
  }
  const people: number[] = [];
  for (const [i, name] of ["张三", "李四", "王五"].entries()) {
    people.push((await db.person.create({ data: { openId: `ou_${i + 1}`, name } })).id);
  }
  const points: Record<string, number> = {};
  for (const grid of ["G11", "G12", "G21", "G22", "G23", "M111"]) {
    const row = await db.point.create({
      data: { code: `P-${grid}`, name: `${grid}号路口`, gridId: units[grid] as number, aliases: [] },
    });
    points[grid] = row.id;
  }
  return { units, categories, people, points };
}

/** One issue to insert; `number` doubles as the key other rows refer to. */
export interface IssueSeed {
  number: number;
  grid: string | null;
  category: string | null;
  status: IssueStatus;
  reportedAt: Date;
  deadline?: Date | null;
  acceptedAt?: Date | null;
  rectifiedAt?: Date | null;
  closedAt?: Date | null;
  parkedAt?: Date | null;
  department?: boolean;
  assignee?: number | null;
  reboundOf?: number | null;
  text?: string;
  /** History events (type = action name; kind for a park event's data). */
  events?: readonly { type: string; at: Date; kind?: string }[];
}

/** Inserts the seeds' history events, given the issue ids by number. */
async function insertEvents(db: Db, seeds: readonly IssueSeed[], ids: ReadonlyMap<number, number>): Promise<void> {
  await db.issueEvent.createMany({
    data: seeds.flatMap((s) =>
      (s.events ?? []).map((e) => ({
        issueId: ids.get(s.number) as number,
        type: e.type,
        at: e.at,
        data: e.kind === undefined ? {} : { kind: e.kind },
      })),
    ),
  });
}

/** The issue row a seed stands for, reported by the org's first person, without its rebound link. */
function issueRow(org: Org, s: IssueSeed) {
  return {
    number: s.number,
    gridId: s.grid === null ? null : (org.units[s.grid] as number),
    pointId: s.grid === null ? null : (org.points[s.grid] ?? null),
    categoryId: s.category === null ? null : (org.categories[s.category] as number),
    text: s.text ?? `问题 ${s.number}`,
    reporterId: org.people[0] as number,
    assigneePersonId: s.assignee === undefined ? (org.people[1] as number) : s.assignee,
    assigneeUnitId: s.department ? (org.units.DEP as number) : null,
    status: s.status,
    reportedAt: s.reportedAt,
    deadline: s.deadline ?? null,
    acceptedAt: s.acceptedAt ?? null,
    rectifiedAt: s.rectifiedAt ?? null,
    closedAt: s.closedAt ?? null,
    ...(s.parkedAt && { parkKind: "parked", parkedAt: s.parkedAt }),
  };
}

/** Inserts issues (in the order given, so rebounds may point back at earlier numbers); returns ids by number. */
export async function insertIssues(db: Db, org: Org, seeds: readonly IssueSeed[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (const s of seeds) {
    const row = await db.issue.create({
      data: { ...issueRow(org, s), reboundOfId: s.reboundOf == null ? null : (ids.get(s.reboundOf) ?? null) },
    });
    ids.set(s.number, row.id);
  }
  await insertEvents(db, seeds, ids);
  return ids;
}

const PARENT_OF = new Map(UNITS.map((u) => [u.code, u.parent]));
const LEVEL_OF = new Map(UNITS.map((u) => [u.code, u.level]));

/** Whether a seeded issue belongs to the unit with this code, by the rules of src/reports/stats-scope.ts. */
export function belongs(issue: IssueSeed, unit: string): boolean {
  if (LEVEL_OF.get(unit) === "department") return issue.department === true;
  for (let code = issue.grid; code !== null; code = PARENT_OF.get(code) ?? null) if (code === unit) return true;
  return false;
}

const STATUSES: IssueStatus[] = ["reported", "assigned", "accepted", "rectified", "closed", "rejected", "duplicate"];
const GRIDS = ["G11", "G12", "M111", "G21", "G22", "G23", null];

/**
 * `count` random issues reported in the `days` before `asOf`, in every status, with consistent reported ≤ rectified
 * ≤ closed ≤ asOf times, deadlines on most, some dispatched to the department, some without grid or category, some
 * rebounds. Minutes are whole, as the ledger shows them.
 */
export function randomIssues(seed: number, count: number, asOf: Date, days = 40): IssueSeed[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const minute = 60_000;
  const span = days * 24 * 60;
  const seeds: IssueSeed[] = [];
  const closedNumbers: number[] = [];
  for (let i = 0; i < count; i++) {
    const number = 1001 + i;
    const status = pick(STATUSES);
    const reportedAt = new Date(asOf.getTime() - Math.floor(random() * span + 1) * minute);
    const untilNow = Math.floor((asOf.getTime() - reportedAt.getTime()) / minute);
    const later = (from: Date) => {
      const left = Math.floor((asOf.getTime() - from.getTime()) / minute);
      return new Date(from.getTime() + Math.floor(random() * Math.max(left, 0)) * minute);
    };
    const deadlineRoll = random();
    const deadline =
      deadlineRoll < 0.15 ? null : new Date(reportedAt.getTime() + pick([24, 72, 168, 2]) * HOUR + pick([0, minute]));
    let rectifiedAt: Date | null = null;
    let closedAt: Date | null = null;
    if (status === "rectified" || status === "closed") rectifiedAt = later(reportedAt);
    if (status === "closed" && rectifiedAt) closedAt = later(rectifiedAt);
    // A fix that was refused keeps no rectified time, but old data might: the durations must ignore it.
    if (status === "accepted" && random() < 0.1) rectifiedAt = later(reportedAt);
    // Accepted some minutes after the report (no later than the fix); every third one fixed without 接单.
    const acceptWindow = Math.floor(((rectifiedAt ?? asOf).getTime() - reportedAt.getTime()) / minute);
    const acceptedAt =
      ["accepted", "rectified", "closed"].includes(status) && untilNow % 3 !== 0
        ? new Date(reportedAt.getTime() + Math.min(untilNow % 97, acceptWindow) * minute)
        : null;
    const reboundOf = closedNumbers.length > 0 && random() < 0.1 ? pick(closedNumbers) : null;
    seeds.push({
      number,
      grid: pick(GRIDS),
      category: random() < 0.1 ? null : pick(["DUI", "TING", "XCL", "WMSJ"]),
      status,
      reportedAt,
      deadline,
      acceptedAt,
      rectifiedAt,
      closedAt,
      department: random() < 0.2,
      reboundOf,
      assignee: untilNow % 5 === 0 ? null : undefined,
    });
    if (status === "closed") closedNumbers.push(number);
  }
  return seeds;
}

/** Inserts many issues at once (createMany) without rebound links resolved across batches; for random data. */
export async function insertIssuesFast(db: Db, org: Org, seeds: readonly IssueSeed[]): Promise<void> {
  await db.issue.createMany({ data: seeds.map((s) => issueRow(org, s)) });
  // Rebound links point at issue ids, known only after the insert.
  const ids = new Map((await db.issue.findMany({ select: { id: true, number: true } })).map((r) => [r.number, r.id]));
  for (const s of seeds) {
    if (s.reboundOf == null) continue;
    await db.issue.update({ where: { number: s.number }, data: { reboundOfId: ids.get(s.reboundOf) ?? null } });
  }
  await insertEvents(db, seeds, ids);
}

/** The database a describe block gets from {@link seededDb}, available inside its tests. */
export interface Seeded {
  readonly db: Db;
  /** The database's URL, for a connection of one's own. */
  readonly url: string;
  readonly dir: string;
  readonly org: Org;
}

/**
 * A fresh database with the organisation above and `seeds` (inserted with `insert`), created before the tests of the
 * calling describe block and deleted after them.
 */
export function seededDb(
  seeds: readonly IssueSeed[],
  insert: (db: Db, org: Org, seeds: readonly IssueSeed[]) => Promise<unknown> = insertIssues,
): Seeded {
  let testDb: TestDb | undefined;
  let org: Org | undefined;
  beforeAll(async () => {
    testDb = await createTestDb();
    org = await seedOrg(testDb.db);
    await insert(testDb.db, org, seeds);
  });
  afterAll(async () => {
    await testDb?.close();
  });
  const ready = () => {
    if (!testDb || !org) throw new Error("seededDb is used before its beforeAll ran");
    return { testDb, org };
  };
  return {
    get db() {
      return ready().testDb.db;
    },
    get url() {
      return ready().testDb.url;
    },
    get dir() {
      return ready().testDb.dir;
    },
    get org() {
      return ready().org;
    },
  };
}
