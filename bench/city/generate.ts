/**
 * A generated city straight into SQLite: a district of `streets` streets × `communitiesPerStreet` communities ×
 * `gridsPerCommunity` grids (20 × 20 × 20 = 8,000 grids at full size), three departments per street, a named place
 * per grid, the people on duty, a work group per community and a leader group per street, and `issues` issues
 * reported over `days` days up to `now` with a realistic status mix: most closed, some rejected or duplicate, some
 * rebounds, a tail stuck open, and the reminder claims (JobRun) a year of sweeps leaves behind.
 *
 * Issues whose reminder is due at `now` (open, deadline between 8 days ago and 2 hours ahead: a before-deadline,
 * deadline or escalation rung; see `dueFromHours`) are calibrated to exactly `dueTarget`, and carry no claim for that
 * rung.
 *
 * The schema comes from the product's migrations and its category catalogue; rows are written with libSQL
 * prepared statements in one transaction per table, with the big tables' indexes dropped meanwhile and rebuilt after
 * (DateTime columns are epoch milliseconds, JSON columns text).
 */

import type Database from "libsql";
import { openDb } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { openSqlite, sqlitePath } from "../../src/db/sqlite-file.ts";
import { startOfDate } from "../../src/domain/deadline.ts";
import { ensureCatalogue } from "../../src/org/catalogue.ts";
import { hexId, intBetween, pick, type Random, seeded } from "../lib/rng.ts";
import { COMMUNITY_NAMES, gridOrdinal, PLACE_KINDS, personName, STREET_NAMES } from "../lib/texts.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** The size and shape of the city. */
export interface CityOptions {
  databaseUrl: string;
  streets: number;
  communitiesPerStreet: number;
  gridsPerCommunity: number;
  issues: number;
  days: number;
  /** Issues with a reminder rung due at `now`. */
  dueTarget: number;
  /**
   * How far back the due deadlines reach, in hours: 8 × 24 (default) includes escalations (24 h after the deadline,
   * for 7 days); 24 only before-deadline and deadline reminders, which go to the issue threads.
   */
  dueFromHours?: number;
  /** The moment the data ends (the digest's evening, 18:00 local). */
  now: Date;
  /** The local date of `now`, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  seed: number;
}

/** What was generated. */
export interface City {
  districtId: number;
  streetIds: number[];
  communityIds: number[];
  grids: number;
  issues: number;
  jobRuns: number;
  /** Open issues with a reminder due at `now`, as calibrated. */
  due: number;
  statusCounts: Record<string, number>;
  seconds: number;
}

interface Category {
  id: number;
  class: string;
  hours: number;
}

const PROBLEMS = [
  "门口堆物堆料",
  "电动车乱停乱放",
  "墙面小广告",
  "飞线充电",
  "垃圾桶满溢",
  "流动摊贩占道经营",
  "私装地锁",
  "宣传栏破损",
  "公益广告破损",
  "建筑垃圾未覆盖",
] as const;

/** Drops the secondary indexes of `tables`, returning the statements that recreate them. */
function dropIndexes(sqlite: Database.Database, tables: string[]): string[] {
  const rows = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name IN (${tables.map((t) => `'${t}'`).join(", ")})`,
    )
    .all() as { name: string; sql: string }[];
  for (const row of rows) sqlite.exec(`DROP INDEX "${row.name}"`);
  return rows.map((r) => r.sql);
}

/**
 * Every other street counts its first cleanup and enforcement categories in 2 工作时 (a street's own limit, behaviour
 * §2.20), so the city has issues in 工作时 as well as the catalogue's 工作日 and 自然日 (for the durations, §8.7).
 */
function writeStreetLimits(sqlite: Database.Database, options: CityOptions, org: Org, categories: Category[]): void {
  const t = options.now.getTime() - options.days * DAY;
  const insert = sqlite.prepare(
    `INSERT INTO StreetCategoryLimit (streetId, categoryId, limitAmount, limitUnit, createdAt, updatedAt)
     VALUES (?, ?, 2, 'work_hours', ?, ?)`,
  );
  const counted = ["cleanup", "enforcement"].flatMap((cls) => categories.find((c) => c.class === cls) ?? []);
  for (const [i, street] of org.streets.entries()) {
    if (i % 2 === 1) for (const category of counted) insert.run(street.id, category.id, t, t);
  }
}

/** Generates the city into a fresh database (see the module comment). */
export async function generateCity(options: CityOptions): Promise<City> {
  const started = performance.now();
  const random = seeded(options.seed);
  await migrate(options.databaseUrl);
  const db = await openDb(options.databaseUrl);
  await ensureCatalogue(db);
  const categories: Category[] = (
    await db.category.findMany({
      select: { id: true, class: true, limitAmount: true, limitUnit: true },
      orderBy: { id: "asc" },
    })
  ).map((c) => ({ id: c.id, class: c.class, hours: c.limitAmount * (c.limitUnit.endsWith("_days") ? 24 : 1) }));
  await db.$disconnect();

  const sqlite = openSqlite(sqlitePath(options.databaseUrl));
  try {
    // Bulk writing stays in WAL mode (leaving it needs the only connection to the file, and libSQL closes the
    // migration's connection only once its statements are collected), without syncing.
    sqlite.exec("PRAGMA synchronous = OFF");
    sqlite.exec("PRAGMA cache_size = -262144");
    const rebuild = dropIndexes(sqlite, ["Issue", "IssueEvent", "JobRun"]);
    const org = writeOrg(sqlite, options, random);
    writeStreetLimits(sqlite, options, org, categories);
    const { issues, statusCounts, due, claims } = writeIssues(sqlite, options, random, org, categories);
    const jobRuns = writeClaims(sqlite, options.now.getTime(), claims);
    for (const sql of rebuild) sqlite.exec(sql);
    sqlite.prepare(`INSERT INTO Sequence (name, value) VALUES ('issue', ?)`).run(1000 + issues);
    return {
      districtId: org.districtId,
      streetIds: org.streets.map((s) => s.id),
      communityIds: org.communities.map((c) => c.id),
      grids: org.grids.length,
      issues,
      jobRuns,
      due,
      statusCounts,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    sqlite.close();
  }
}

interface Grid {
  id: number;
  pointId: number;
  pointName: string;
  workerId: number;
  communityIndex: number;
}

interface Org {
  districtId: number;
  streets: { id: number; enforcementDeptId: number }[];
  communities: { id: number; streetIndex: number; chatId: string }[];
  grids: Grid[];
}

function writeOrg(sqlite: Database.Database, options: CityOptions, random: Random): Org {
  const t = options.now.getTime() - options.days * DAY;
  const unit = sqlite.prepare(
    `INSERT INTO Unit (id, code, name, level, parentId, aliases, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, '[]', ?, ?)`,
  );
  const point = sqlite.prepare(
    `INSERT INTO Point (id, code, name, gridId, aliases, key, createdAt, updatedAt) VALUES (?, ?, ?, ?, '[]', ?, ?, ?)`,
  );
  const person = sqlite.prepare(`INSERT INTO Person (id, openId, name, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)`);
  const duty = sqlite.prepare(`INSERT INTO Duty (personId, unitId, role, createdAt) VALUES (?, ?, ?, ?)`);
  const chat = sqlite.prepare(
    `INSERT INTO ChatBinding (chatId, name, unitId, purpose, digestTime, settings, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, '18:00', '{}', ?, ?)`,
  );
  let unitId = 0;
  let personId = 0;
  let pointId = 0;
  const newPerson = (unitOf: number, role: string) => {
    person.run(++personId, `ou_${hexId(random)}`, personName(random), t, t);
    duty.run(personId, unitOf, role, t);
    return personId;
  };
  const org: Org = { districtId: 0, streets: [], communities: [], grids: [] };
  sqlite.transaction(() => {
    org.districtId = ++unitId;
    unit.run(unitId, "city", "示范区", "district", null, t, t);
    for (let s = 0; s < options.streets; s++) {
      const streetName = `${STREET_NAMES[s % STREET_NAMES.length]}${s >= STREET_NAMES.length ? s + 1 : ""}街道`;
      const streetId = ++unitId;
      const sc = `s${String(s + 1).padStart(2, "0")}`;
      unit.run(streetId, sc, streetName, "street", org.districtId, t, t);
      newPerson(streetId, "leader");
      chat.run(`oc_${hexId(random)}`, `${streetName}创城领导群`, streetId, "leader", t, t);
      let enforcementDeptId = 0;
      for (const [code, name] of [
        ["cgzf", "城管执法中队"],
        ["scjg", "市场监管所"],
        ["wyb", "物业办"],
      ] as const) {
        unit.run(++unitId, `${sc}-${code}`, `${streetName}${name}`, "department", streetId, t, t);
        if (code === "cgzf") enforcementDeptId = unitId;
        newPerson(unitId, "responder");
      }
      org.streets.push({ id: streetId, enforcementDeptId });
      for (let c = 0; c < options.communitiesPerStreet; c++) {
        const index = s * options.communitiesPerStreet + c;
        const base = COMMUNITY_NAMES[c % COMMUNITY_NAMES.length] ?? "幸福里";
        const communityName = `${streetName.slice(0, 2)}${base}社区`;
        const communityId = ++unitId;
        const cc = `${sc}-c${String(c + 1).padStart(2, "0")}`;
        unit.run(communityId, cc, communityName, "community", streetId, t, t);
        newPerson(communityId, "secretary");
        const chatId = `oc_${hexId(random)}`;
        chat.run(chatId, `${communityName}创城工作群`, communityId, "work", t, t);
        org.communities.push({ id: communityId, streetIndex: s, chatId });
        let head = 0;
        for (let g = 1; g <= options.gridsPerCommunity; g++) {
          const gridId = ++unitId;
          const gc = `${cc}-g${String(g).padStart(2, "0")}`;
          unit.run(gridId, gc, `${communityName.slice(0, -2)}${gridOrdinal(g)}`, "grid", communityId, t, t);
          const pointName = `${communityName.slice(0, -2)}${PLACE_KINDS[(g - 1) % PLACE_KINDS.length]}${g > 10 ? 2 : ""}`;
          point.run(++pointId, `${gc}-p1`, pointName, gridId, g % 3 === 0 ? 1 : 0, t, t);
          if ((g - 1) % 4 === 0) head = newPerson(gridId, "grid_head");
          else duty.run(head, gridId, "grid_head", t);
          const workerId = newPerson(gridId, "grid_worker");
          org.grids.push({ id: gridId, pointId, pointName, workerId, communityIndex: index });
        }
      }
    }
  })();
  return org;
}

/** Statuses in which the reminder sweep nags (REMINDED_STATUSES). */
const REMINDED = new Set(["reported", "assigned", "accepted"]);

interface Claims {
  keys: string[];
  kinds: string[];
  issueIds: number[];
}

function writeIssues(sqlite: Database.Database, options: CityOptions, random: Random, org: Org, cats: Category[]) {
  const now = options.now.getTime();
  const n = options.issues;
  // ── pass 1: when each issue was reported, where, what, and how its life went (times beyond now are cut later) ──
  const todayStart = startOfDate(options.date, options.timeZone).getTime();
  const weights: number[] = [];
  for (let d = 0; d < options.days; d++) {
    const weekday = new Date(todayStart - (options.days - 1 - d) * DAY + 12 * HOUR).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const season = 1 + 0.2 * Math.sin((2 * Math.PI * d) / options.days);
    weights.push((weekend ? 0.6 : 1) * season * (d === options.days - 1 ? 10 / 11 : 1));
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const reportedAt = new Float64Array(n);
  let k = 0;
  for (let d = 0; d < options.days && k < n; d++) {
    const count = d === options.days - 1 ? n - k : Math.round((n * (weights[d] ?? 0)) / totalWeight);
    const dayStart = todayStart - (options.days - 1 - d) * DAY;
    const span = d === options.days - 1 ? now - dayStart - 8 * HOUR - MINUTE : 11 * HOUR;
    const times = Array.from({ length: Math.min(count, n - k) }, () => dayStart + 8 * HOUR + random() * span);
    times.sort((a, b) => a - b);
    for (const time of times) reportedAt[k++] = Math.floor(time);
  }
  const gridIndex = new Int32Array(n);
  const category = new Int32Array(n);
  const fate = new Uint8Array(n); // 0 normal, 1 rejected, 2 duplicate, 3 stuck, 4 unplaced
  const deadline = new Float64Array(n);
  const assignAt = new Float64Array(n);
  const acceptAt = new Float64Array(n);
  const rectifyAt = new Float64Array(n);
  const closeAt = new Float64Array(n);
  const urgent = new Uint8Array(n);
  const categoryWeights = cats.map((c) => (c.class === "cleanup" || c.class === "enforcement" ? 3 : 1));
  const weightTotal = categoryWeights.reduce((a, b) => a + b, 0);
  const pickCategory = () => {
    let r = random() * weightTotal;
    for (const [i, w] of categoryWeights.entries()) {
      r -= w;
      if (r < 0) return i;
    }
    return cats.length - 1;
  };
  // Busier grids: a quarter of the grids get half the issues.
  const busy = Math.max(1, Math.floor(org.grids.length / 4));
  for (let i = 0; i < n; i++) {
    const r = reportedAt[i] ?? 0;
    gridIndex[i] = random() < 0.5 ? Math.floor(random() * busy) : Math.floor(random() * org.grids.length);
    category[i] = random() < 0.02 ? -1 : pickCategory();
    urgent[i] = random() < 0.03 ? 1 : 0;
    const hours = (cats[category[i] ?? -1]?.hours ?? 24) * (urgent[i] ? 0.5 : 1);
    deadline[i] = r + hours * HOUR;
    const u = random();
    fate[i] = u < 0.005 ? 4 : u < 0.025 ? 1 : u < 0.045 ? 2 : u < 0.06 ? 3 : 0;
    assignAt[i] = r + intBetween(random, 1, 60) * MINUTE;
    acceptAt[i] = (assignAt[i] ?? 0) + intBetween(random, 5, 180) * MINUTE;
    const f = random() < 0.88 ? 0.1 + random() * 0.85 : 1 + random() * 2;
    rectifyAt[i] = Math.max((acceptAt[i] ?? 0) + MINUTE, r + f * hours * HOUR);
    closeAt[i] = (rectifyAt[i] ?? 0) + (0.5 + random() * 30) * HOUR;
    if (fate[i] === 3) rectifyAt[i] = closeAt[i] = Number.POSITIVE_INFINITY;
  }

  const statusOf = (i: number): string => {
    const r = reportedAt[i] ?? 0;
    switch (fate[i]) {
      case 1:
        return r + 4 * HOUR <= now ? "rejected" : "reported";
      case 2:
        return r + 2 * HOUR <= now ? "duplicate" : "reported";
      case 4:
        return r + 3 * DAY <= now ? "rejected" : "reported";
    }
    if ((closeAt[i] ?? 0) <= now) return "closed";
    if ((rectifyAt[i] ?? 0) <= now) return "rectified";
    if ((acceptAt[i] ?? 0) <= now) return "accepted";
    if ((assignAt[i] ?? 0) <= now) return "assigned";
    return "reported";
  };
  // The due window: before-deadline (2 h ahead) back to the last escalation (24 h + 7 days after the deadline).
  const earliest = now - (options.dueFromHours ?? 8 * 24) * HOUR + HOUR;
  const inWindow = (i: number) => {
    const d = deadline[i] ?? 0;
    if (d < earliest || d > now + 2 * HOUR) return false;
    return fate[i] !== 4 || d > now - DAY;
  };

  // ── pass 2: calibrate the due set to exactly dueTarget (stuck issues open, or open ones closed) ──
  const open: number[] = [];
  const convertible: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!inWindow(i)) continue;
    const status = statusOf(i);
    if (REMINDED.has(status)) open.push(i);
    else if ((status === "closed" || status === "rectified") && fate[i] === 0) convertible.push(i);
  }
  const choose = (from: number[], count: number) => {
    // Selection sampling: exactly `count` of `from`, each equally likely.
    const chosen: number[] = [];
    for (let j = 0; j < from.length && chosen.length < count; j++) {
      if (random() * (from.length - j) < count - chosen.length) chosen.push(from[j] ?? 0);
    }
    return chosen;
  };
  if (open.length < options.dueTarget) {
    for (const i of choose(convertible, options.dueTarget - open.length)) {
      fate[i] = 3;
      rectifyAt[i] = closeAt[i] = Number.POSITIVE_INFINITY;
    }
  } else if (open.length > options.dueTarget) {
    for (const i of choose(open, open.length - options.dueTarget)) {
      const r = reportedAt[i] ?? 0;
      fate[i] = 0;
      assignAt[i] = Math.min(assignAt[i] ?? 0, r + 0.1 * (now - r));
      acceptAt[i] = Math.min(acceptAt[i] ?? 0, r + 0.2 * (now - r));
      rectifyAt[i] = r + 0.4 * (now - r);
      closeAt[i] = r + 0.7 * (now - r);
    }
  }

  // ── pass 3: write ──
  // History the indicators count (rectify, refuse, approve_extension, park), from a stream of its own so the issues
  // stay the same as without it.
  const eventRandom = seeded(options.seed + 1);
  const event = sqlite.prepare(`INSERT INTO IssueEvent (issueId, type, at, data) VALUES (?, ?, ?, ?)`);
  const history = (id: number, status: string, accepted: number | null, fixed: number | null) => {
    if (accepted !== null && eventRandom() < 0.03) event.run(id, "approve_extension", accepted + MINUTE, "{}");
    if (accepted !== null && eventRandom() < 0.01) event.run(id, "park", accepted + 2 * MINUTE, '{"kind":"parked"}');
    if (fixed === null || (status !== "rectified" && status !== "closed")) return;
    if (accepted !== null && eventRandom() < 0.06 && fixed - accepted > 4 * MINUTE) {
      event.run(id, "rectify", accepted + 2 * MINUTE, "{}");
      event.run(id, "refuse", accepted + 3 * MINUTE, "{}");
    }
    event.run(id, "rectify", fixed, "{}");
  };
  const insert = sqlite.prepare(
    `INSERT INTO Issue (id, number, categoryId, gridId, communityId, streetId, pointId, text, urgent, reporterId,
       assigneePersonId, assigneeUnitId, deadline, status, reportedAt, assignedAt, acceptedAt, rectifiedAt,
       rectifiedById, closedAt, rejectedAt, rejectReason, sourceChatId, sourceMessageId, duplicateOfId, reboundOfId,
       createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const statusCounts: Record<string, number> = {};
  const claims: Claims = { keys: [], kinds: [], issueIds: [] };
  const claim = (key: string, kind: string, id: number) => {
    claims.keys.push(key);
    claims.kinds.push(kind);
    claims.issueIds.push(id);
  };
  let due = 0;
  const at = (time: number | undefined) => (time !== undefined && time <= now ? Math.floor(time) : null);
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = i + 1;
      const grid = org.grids[gridIndex[i] ?? 0] as Grid;
      const community = org.communities[grid.communityIndex] as Org["communities"][number];
      const street = org.streets[community.streetIndex] as Org["streets"][number];
      const cat = cats[category[i] ?? -1];
      const placed = fate[i] !== 4;
      const status = statusOf(i);
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      const r = reportedAt[i] ?? 0;
      const dl = deadline[i] ?? 0;
      const toDepartment = placed && cat?.class === "enforcement";
      const progressed = status !== "reported" && status !== "rejected" && status !== "duplicate";
      const rectified = status === "rectified" || status === "closed";
      const withPoint = placed && random() < 0.6;
      const rebound = status !== "rejected" && status !== "duplicate" && id > 20_000 && random() < 0.01;
      insert.run(
        id,
        1000 + id,
        cat?.id ?? null,
        placed ? grid.id : null,
        placed ? community.id : null,
        placed ? street.id : null,
        withPoint ? grid.pointId : null,
        `上报：${withPoint ? grid.pointName : ""}${pick(random, PROBLEMS)}`,
        urgent[i] ?? 0,
        grid.workerId,
        placed && !toDepartment ? grid.workerId : null,
        toDepartment ? street.enforcementDeptId : null,
        Math.floor(dl),
        status,
        r,
        progressed ? at(assignAt[i]) : null,
        progressed ? at(acceptAt[i]) : null,
        rectified ? at(rectifyAt[i]) : null,
        rectified ? grid.workerId : null,
        status === "closed" ? at(closeAt[i]) : null,
        status === "rejected" ? r + 4 * HOUR : null,
        status === "rejected" ? "不属于创城问题" : null,
        community.chatId,
        `om_city_${id}`,
        status === "duplicate" && id > 1 ? Math.max(1, id - intBetween(random, 1, 500)) : null,
        rebound ? id - intBetween(random, 100, 20_000) : null,
        r,
        Math.min(now, Math.max(r, at(closeAt[i]) ?? at(rectifyAt[i]) ?? r)),
      );
      if (progressed) history(id, status, at(acceptAt[i]), at(rectifyAt[i]));
      // Claims a year of sweeps leaves behind: rungs already sent, look-backs already asked.
      const isDue = REMINDED.has(status) && inWindow(i);
      if (isDue) due++;
      if (dl - 2 * HOUR <= now && (!isDue || dl <= now)) claim(`remind:${id}:before`, "reminder", id);
      if (isDue && dl + DAY <= now) claim(`remind:${id}:deadline`, "reminder", id);
      if (!isDue && dl <= now && !(rectifyAt[i] !== undefined && (rectifyAt[i] ?? 0) < dl)) {
        claim(`remind:${id}:deadline`, "reminder", id);
        if ((rectifyAt[i] ?? 0) > dl + DAY && dl + DAY <= now) claim(`remind:${id}:escalate`, "reminder", id);
      }
      const closed = at(closeAt[i]);
      if (status === "closed" && closed !== null && closed + 8 * DAY <= now) claim(`lookback:${id}`, "lookback", id);
    }
  })();
  return { issues: n, statusCounts, due, claims };
}

function writeClaims(sqlite: Database.Database, now: number, claims: Claims): number {
  const insert = sqlite.prepare(`INSERT INTO JobRun (key, kind, createdAt, data) VALUES (?, ?, ?, ?)`);
  sqlite.transaction(() => {
    for (const [j, key] of claims.keys.entries()) {
      const issueId = claims.issueIds[j] ?? 0;
      insert.run(key, claims.kinds[j] ?? "reminder", now - DAY, `{"issueId":${issueId}}`);
    }
  })();
  return claims.keys.length;
}
