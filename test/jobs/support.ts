/**
 * The organisation of the statistics tests (test/reports/stats-fixture.ts) with what the bot's clock needs on top:
 * duties, chat bindings and issues reported in a chat thread.
 *
 *   幸福街道 S (leader group oc_leader) ─┬─ 东苑社区 C1 (work group oc_c1, patrol group oc_c1patrol) ─ G11, G12
 *                                        └─ 西苑社区 C2 (work group oc_c2) ─ G21, G22, G23
 *   people: 张三 ou_1 reporter · 李四 ou_2 grid head of every grid · 王五 ou_3 secretary of C1 and C2 ·
 *           赵六 ou_4 leader of S
 */

import { readFile } from "node:fs/promises";
import type { JobDeps } from "../../src/commands/deps.ts";
import { DEFAULT_OFFICE_HOURS } from "../../src/config/office-hours.ts";
import type { OutboxMessage } from "../../src/generated/prisma/client.ts";
import { silentLogger } from "../../src/log.ts";
import { HOUR, type IssueSeed, insertIssues, type Org, seedOrg, sh } from "../reports/stats-fixture.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

export { HOUR, sh };

export const TZ = "Asia/Shanghai";

export const CHATS = { c1: "oc_c1", c2: "oc_c2", leader: "oc_leader", c1Patrol: "oc_c1patrol" } as const;

export const PEOPLE = { reporter: "ou_1", gridHead: "ou_2", secretary: "ou_3", leader: "ou_4" } as const;

/**
 * A database with the organisation above, and job dependencies whose chart upload only records a fake key and whose
 * file upload keeps the files (`uploaded`) and answers a fake key.
 */
export interface ClockFixture {
  t: TestDb;
  org: Org;
  deps: JobDeps;
  /** The files uploaded through `deps.uploadFile`, in order: name and bytes. */
  uploaded: { fileName: string; data: Buffer }[];
  /** Inserts issues reported in their community's work group, each with its own source message `om_src_<number>`. */
  addIssues(seeds: readonly IssueSeed[]): Promise<Map<number, number>>;
  /** Outbox rows, oldest first, optionally only those whose key starts with `prefix`. */
  outbox(prefix?: string): Promise<OutboxMessage[]>;
  close(): Promise<void>;
}

/** Creates a {@link ClockFixture}. */
export async function createClockFixture(): Promise<ClockFixture> {
  const t = await createTestDb();
  const { db } = t;
  const org = await seedOrg(db);
  const leader = await db.person.create({ data: { openId: PEOPLE.leader, name: "赵六" } });
  org.people.push(leader.id);
  const [, gridHead, secretary] = org.people as [number, number, number];
  for (const grid of ["G11", "G12", "G21", "G22", "G23"]) {
    await db.duty.create({ data: { personId: gridHead, unitId: org.units[grid] as number, role: "grid_head" } });
  }
  for (const community of ["C1", "C2"]) {
    await db.duty.create({ data: { personId: secretary, unitId: org.units[community] as number, role: "secretary" } });
  }
  await db.duty.create({ data: { personId: leader.id, unitId: org.units.S as number, role: "leader" } });
  const bind = (chatId: string, name: string, unit: string, purpose: string, digestTime = "18:00") =>
    db.chatBinding.create({
      data: { chatId, name, unitId: org.units[unit] as number, purpose, digestTime, settings: {} },
    });
  await bind(CHATS.c1, "东苑社区工作群", "C1", "work");
  await bind(CHATS.c2, "西苑社区工作群", "C2", "work");
  await bind(CHATS.leader, "幸福街道领导群", "S", "leader", "19:00");
  await bind(CHATS.c1Patrol, "东苑巡查群", "C1", "patrol");

  const uploaded: { fileName: string; data: Buffer }[] = [];
  const deps: JobDeps = {
    db,
    log: silentLogger,
    timeZone: TZ,
    officeHours: DEFAULT_OFFICE_HOURS,
    dataDir: t.dir,
    admins: [],
    policy: {},
    async publishPhotos(photos) {
      const keys: string[] = [];
      for (const p of photos) {
        const image = await db.larkImage.upsert({
          where: { sha256: p.sha256 },
          create: { sha256: p.sha256, imageKey: `img_v2_${p.sha256.slice(0, 12)}` },
          update: {},
        });
        keys.push(image.imageKey);
      }
      return keys;
    },
    async uploadFile(path, fileName) {
      uploaded.push({ fileName, data: await readFile(path) });
      return `file_v3_${uploaded.length}`;
    },
  };
  const communityChat = (grid: string | null) => (grid?.startsWith("G1") ? CHATS.c1 : CHATS.c2);
  return {
    t,
    org,
    deps,
    uploaded,
    async addIssues(seeds) {
      const ids = await insertIssues(db, org, seeds);
      for (const s of seeds) {
        await db.issue.update({
          where: { number: s.number },
          data: { sourceChatId: communityChat(s.grid), sourceMessageId: `om_src_${s.number}` },
        });
      }
      return ids;
    },
    outbox: (prefix) =>
      db.outboxMessage.findMany({ where: prefix ? { key: { startsWith: prefix } } : {}, orderBy: { id: "asc" } }),
    close: () => t.close(),
  };
}

/**
 * An assigned 堆物堆料 issue in 东苑一网格, reported in the 东苑 work group a day before its deadline `deadline`
 * (Shanghai time).
 */
export function dueIssue(number: number, deadline: string, extra: Partial<IssueSeed> = {}): IssueSeed {
  return {
    number,
    grid: "G11",
    category: "DUI",
    status: "assigned",
    reportedAt: new Date(sh(deadline).getTime() - 24 * HOUR),
    deadline: sh(deadline),
    ...extra,
  };
}
