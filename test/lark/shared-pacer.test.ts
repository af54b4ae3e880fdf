import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDb, postgresOf } from "../../src/db/client.ts";
import type { PacerRules } from "../../src/lark/pacer.ts";
import { SharedPacer } from "../../src/lark/shared-pacer.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { testPostgres } from "../support/postgres.ts";

const RULES: PacerRules = { chat: [{ limit: 5, windowMs: 300 }], api: [{ limit: 8, windowMs: 300 }] };

describe.skipIf(!testPostgres())("pacing shared by the instances of one PostgreSQL database", () => {
  let t: TestDb;
  let other: Db;
  beforeEach(async () => {
    t = await createTestDb();
    other = await openDb(t.url);
  });
  afterEach(async () => {
    await other.$disconnect();
    await t.close();
  });

  function pacer(db: Db): SharedPacer {
    const postgres = postgresOf(db);
    if (!postgres) throw new Error("not PostgreSQL");
    return new SharedPacer(postgres, silentLogger, { rules: RULES });
  }

  /** The most calls of `key` recorded in any window of `ms` milliseconds. */
  async function busiestWindow(key: string, ms: number): Promise<number> {
    const rows = await t.db.paceCall.findMany({ where: { key }, orderBy: { at: "asc" } });
    const at = rows.map((r) => r.at.getTime());
    return Math.max(0, ...at.map((start, i) => at.slice(i).filter((x) => x < start + ms).length));
  }

  it("admits calls of two instances together within one set of limits", async () => {
    const [a, b] = [pacer(t.db), pacer(other)];
    const started = Date.now();
    // 20 calls to one chat, half from each instance, at once.
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const ticket = await (i % 2 ? a : b).take(["api:send", "chat:oc_1"]);
        ticket.finish();
      }),
    );
    const elapsed = Date.now() - started;
    expect(await t.db.paceCall.count({ where: { key: "chat:oc_1" } })).toBe(20);
    expect(await busiestWindow("chat:oc_1", 300)).toBeLessThanOrEqual(5);
    // Four full windows had to pass for 20 calls at 5 per 300 ms.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 300);
  });

  it("holds a key back on every instance after one of them was told to wait", async () => {
    const [a, b] = [pacer(t.db), pacer(other)];
    a.pause("chat:oc_2", Date.now() + 400);
    // The pause is written in the background; wait until it is visible.
    for (let i = 0; i < 100 && (await t.db.pacePause.count()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    (await b.take(["chat:oc_2"])).finish();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
