import { join } from "node:path";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { ROLE_LABELS } from "../domain/labels.ts";
import type { ChatPurpose, Role } from "../domain/types.ts";
import type { LarkEmulator } from "../emulator/index.ts";
import { formatImportReport, importOrg } from "../org/import-org.ts";
import { PURPOSE_LABELS } from "../org/org-texts.ts";

/** The demo organisation the sandbox starts with (also the example import file). */
const DEMO_ORG_FILE = join(import.meta.dirname, "../../examples/org.yaml");

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

/**
 * Creates the sandbox database from nothing: applies the migrations and imports the demo org. Returns the people
 * and groups to create in the emulator. Throws when the demo file does not import (a broken checkout).
 */
export async function seedDemo(databaseUrl: string): Promise<DemoTenant> {
  migrate(databaseUrl);
  const db = await openDb(databaseUrl);
  try {
    const report = await importOrg(db, DEMO_ORG_FILE);
    if (!report.ok) throw new Error(`demo org did not import:\n${formatImportReport(report)}`);
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
  } finally {
    await db.$disconnect();
  }
}

/** Creates the demo people and groups in the emulator; everyone is a member of every group. */
export function populateEmulator(emu: LarkEmulator, tenant: DemoTenant): void {
  for (const person of tenant.people) emu.addUser({ openId: person.openId, name: person.name });
  const members = tenant.people.map((p) => p.openId);
  for (const chat of tenant.chats) emu.addChat({ chatId: chat.chatId, name: chat.name, members });
}
