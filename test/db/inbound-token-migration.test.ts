// behaviour §11.5
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { withPostgresClient } from "../../src/db/migrate-postgres.ts";
import { listMigrations, migrationsDir } from "../../src/db/migration-files.ts";
import { testPostgres } from "../support/postgres.ts";

const MIGRATION = "20261206180000_inbound_without_token";

/** Events as earlier versions stored them: flattened, with the verification token (or a card's update token). */
const STORED: Record<string, unknown>[] = [
  {
    schema: "2.0",
    event_id: "ev_1",
    token: "verification-token-value",
    create_time: "1764032400000",
    event_type: "im.message.receive_v1",
    message: { message_id: "om_1", content: JSON.stringify({ text: '上报 "token":"x" 堆物 \ud800' }) },
  },
  {
    schema: "2.0",
    event_id: "ev_2",
    token: "c-card-update-token",
    event_type: "card.action.trigger",
    action: { value: { a: "accept", i: 1 } },
  },
  { token: "verification-token-value", event_id: "ev_3", event_type: "im.chat.member.bot.added_v1" },
  { event_id: "ev_4", event_type: "im.message.receive_v1" },
];

describe("the migration that takes the token out of stored events", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An empty database on the suite's provider. */
  async function emptyDatabase(): Promise<string> {
    const server = testPostgres();
    if (!server) {
      const dir = mkdtempSync(join(tmpdir(), "riqing-token-migration-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return `file:${join(dir, "riqing.db")}`;
    }
    const name = `riqing_token_${process.pid}_${Date.now()}`;
    await withPostgresClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
    cleanups.push(async () => {
      await withPostgresClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    });
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  }

  it("removes the token from every stored event and leaves the rest of each event as it was", async () => {
    const url = await emptyDatabase();
    // The database as it was before this migration.
    const all = migrationsDir(url);
    const before = mkdtempSync(join(tmpdir(), "riqing-migrations-before-"));
    cleanups.push(() => rmSync(before, { recursive: true, force: true }));
    for (const name of listMigrations(all).filter((n) => n < MIGRATION)) {
      cpSync(join(all, name), join(before, name), { recursive: true });
    }
    await migrate(url, before);
    const db = await openDb(url);
    cleanups.push(() => db.$disconnect());
    for (const event of STORED) {
      await db.inboundEvent.create({
        data: { eventId: String(event.event_id), eventType: String(event.event_type), payload: JSON.stringify(event) },
      });
    }

    expect(await migrate(url)).toContain(MIGRATION);

    const rows = await db.inboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual(STORED.map(({ token: _, ...kept }) => kept));
    expect(rows.map((r) => r.payload).join("\n")).not.toMatch(/verification-token-value|c-card-update-token/);
  });
});
