import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PROJECT_DIR } from "../config/paths.ts";
import { type Db, openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { claimOnce } from "../db/once.ts";
import { sqlitePath } from "../db/sqlite-file.ts";
import type { ChatPurpose, Role } from "../domain/types.ts";
import type { LarkEmulator } from "../emulator/index.ts";
import { formatImportReport } from "../org/format-import-report.ts";
import { importOrg } from "../org/import-org.ts";
import { ROLE_LABELS } from "../texts/labels.ts";
import { PURPOSE_LABELS } from "../texts/org.ts";

/**
 * The demo organisation the sandbox starts with (also the example import files): the street, then its patrol plans
 * (点位包干分工表), so the sandbox shows patrol coverage in its digests.
 */
const DEMO_ORG_FILES = [join(PROJECT_DIR, "examples/org.yaml"), join(PROJECT_DIR, "examples/patrols.yaml")];

/** A demo person as the page shows them in the persona switcher. */
export interface DemoPerson {
  openId: string;
  name: string;
  /** "幸福里第一网格 · 网格长", one per duty. */
  roles: string[];
}

/** A bound demo group. */
export interface DemoChat {
  chatId: string;
  name: string;
  /** 工作群, 领导群, 部门群 or 巡查群. */
  purpose: string;
  unit: string;
}

/** Who and which groups the demo tenant has, in the order of the org file. */
export interface DemoTenant {
  people: DemoPerson[];
  chats: DemoChat[];
}

/** The demo in a sandbox database: the session it was seeded as, and its people and groups. */
export interface Demo {
  /** Made when the demo was seeded; the saved chats must carry the same one to be resumed with this database. */
  sessionId: string;
  tenant: DemoTenant;
}

/** The JobRun row recording which session seeded the database. */
const SESSION_KEY = "sandbox.session";
const sessionData = z.object({ id: z.string().min(1) });

/**
 * Creates the sandbox database from nothing: applies the migrations, imports the demo org and its patrol plans and records a new session
 * id. Returns the demo, whose people and groups the caller creates in the emulator. Throws when the demo file does not
 * import (a broken checkout).
 */
export async function seedDemo(databaseUrl: string): Promise<Demo> {
  await migrate(databaseUrl);
  const db = await openDb(databaseUrl);
  try {
    for (const file of DEMO_ORG_FILES) {
      const report = await importOrg(db, file);
      if (!report.ok) throw new Error(`demo org did not import:\n${formatImportReport(report)}`);
    }
    const sessionId = randomUUID();
    await claimOnce(db, SESSION_KEY, SESSION_KEY, { id: sessionId });
    return { sessionId, tenant: await demoTenant(db) };
  } finally {
    await db.$disconnect();
  }
}

/**
 * The demo an existing sandbox database holds (migrated to the current schema first); undefined when there is no
 * database or it was not seeded by the sandbox.
 */
export async function readDemo(databaseUrl: string): Promise<Demo | undefined> {
  if (!existsSync(sqlitePath(databaseUrl))) return undefined;
  await migrate(databaseUrl);
  const db = await openDb(databaseUrl);
  try {
    const seeded = sessionData.safeParse((await db.jobRun.findUnique({ where: { key: SESSION_KEY } }))?.data);
    return seeded.success ? { sessionId: seeded.data.id, tenant: await demoTenant(db) } : undefined;
  } finally {
    await db.$disconnect();
  }
}

/** The people (with their duties) and bound groups of the database, in the order of the org file. */
async function demoTenant(db: Db): Promise<DemoTenant> {
  const people = await db.person.findMany({
    orderBy: { id: "asc" },
    include: { duties: { orderBy: { id: "asc" }, include: { unit: true } } },
  });
  const chats = await db.chatBinding.findMany({ orderBy: { id: "asc" }, include: { unit: true } });
  return {
    people: people.map((p) => ({
      openId: p.openId,
      name: p.name,
      roles: p.duties.map((d) => `${d.unit.name} · ${ROLE_LABELS[d.role as Role] ?? d.role}`),
    })),
    chats: chats.map((c) => ({
      chatId: c.chatId,
      name: c.name ?? c.unit.name,
      purpose: PURPOSE_LABELS[c.purpose as ChatPurpose] ?? c.purpose,
      unit: c.unit.name,
    })),
  };
}

/** Creates the demo people and groups in the emulator; everyone is a member of every group. */
export function populateEmulator(emu: LarkEmulator, tenant: DemoTenant): void {
  for (const person of tenant.people) emu.addUser({ openId: person.openId, name: person.name });
  const members = tenant.people.map((p) => p.openId);
  for (const chat of tenant.chats) emu.addChat({ chatId: chat.chatId, name: chat.name, members });
}
