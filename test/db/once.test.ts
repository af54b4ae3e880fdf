import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimedKeys, claimOnce } from "../../src/db/once.ts";
import { statementsRun } from "../../src/db/statement-count.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

// On PostgreSQL a failed statement aborts its whole transaction: a claim lost inside a transaction must not take the
// transaction's other writes with it (the suite runs this on both databases).
describe("claimOnce", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  it("claims a key once, across transactions and outside them", async () => {
    expect(await claimOnce(t.db, "digest:oc_1:2026-11-23", "digest.daily")).toBe(true);
    expect(await claimOnce(t.db, "digest:oc_1:2026-11-23", "digest.daily")).toBe(false);
    expect(await t.db.$transaction((tx) => claimOnce(tx, "digest:oc_1:2026-11-23", "digest.daily"))).toBe(false);
    expect(await t.db.jobRun.count()).toBe(1);
  });

  it("claims in one statement, in a transaction too, and keeps the claim's data and time", async () => {
    const data = { unitId: 7, date: "2026-11-23", late: false, note: '日清 🙂 "quoted"', none: null };
    // What a transaction costs by itself (begin, commit, on PostgreSQL its isolation level): the claim adds one.
    const empty = statementsRun();
    await t.db.$transaction(async () => {});
    const transaction = statementsRun() - empty;
    const before = statementsRun();
    expect(await t.db.$transaction((tx) => claimOnce(tx, "digest:oc_1:2026-11-23", "digest.daily", data))).toBe(true);
    expect(statementsRun() - before).toBe(transaction + 1);
    const lost = statementsRun();
    expect(await claimOnce(t.db, "digest:oc_1:2026-11-23", "digest.daily", { other: 1 })).toBe(false);
    expect(statementsRun() - lost).toBe(1);
    const row = await t.db.jobRun.findUniqueOrThrow({ where: { key: "digest:oc_1:2026-11-23" } });
    expect(row).toMatchObject({ kind: "digest.daily", data });
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("keeps the writes around a lost claim in the same transaction, before and after it", async () => {
    await claimOnce(t.db, "remind:1:escalate", "reminder");
    const outcome = await t.db.$transaction(async (tx) => {
      await tx.sequence.create({ data: { name: "before", value: 1 } });
      const first = await claimOnce(tx, "remind:1:escalate", "reminder");
      const second = await claimOnce(tx, "remind:2:escalate", "reminder");
      await tx.sequence.create({ data: { name: "after", value: 2 } });
      return { first, second };
    });
    expect(outcome).toEqual({ first: false, second: true });
    expect((await t.db.sequence.findMany({ orderBy: { value: "asc" } })).map((s) => s.name)).toEqual([
      "before",
      "after",
    ]);
    expect((await t.db.jobRun.findMany({ orderBy: { id: "asc" } })).map((j) => j.key)).toEqual([
      "remind:1:escalate",
      "remind:2:escalate",
    ]);
  });

  it("finds which of thousands of keys were claimed, in one statement, whatever their text", async () => {
    const odd = ['remind:7:"quoted"', "digest:oc_\\back\\slash:2026-11-23", "lookback:日清:🙂", "it's", ""];
    const claimed = [...odd, ...Array.from({ length: 50 }, (_, i) => `remind:${i * 200}:deadline`)];
    await t.db.jobRun.createMany({ data: claimed.map((key) => ({ key, kind: "reminder", data: {} })) });
    const asked = [...odd, ...Array.from({ length: 12_000 }, (_, i) => `remind:${i}:deadline`)];
    const statements: string[] = [];
    const found = await claimedKeys(
      t.db.$extends({
        query: {
          async $queryRaw({ args, query }) {
            statements.push(String(args));
            return query(args);
          },
        },
      }) as unknown as typeof t.db,
      asked,
    );
    expect([...found].sort()).toEqual([...claimed].sort());
    expect(await claimedKeys(t.db, [])).toEqual(new Set());
    expect(await claimedKeys(t.db, ["remind:1:deadline", "remind:1:before"])).toEqual(new Set());
    expect(statements).toHaveLength(1);
  });
});
