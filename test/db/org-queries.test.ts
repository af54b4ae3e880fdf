import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { holders, orgOf, unitChain, unitSubtree } from "../../src/db/org-queries.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

describe("the org snapshot", () => {
  let t: TestDb;
  let other: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    other = await createTestDb();
    const street = await t.db.unit.create({ data: { code: "S", name: "幸福街道", level: "street", aliases: [] } });
    const community = await t.db.unit.create({
      data: { code: "C", name: "幸福里社区", level: "community", parentId: street.id, aliases: [] },
    });
    await t.db.unit.create({
      data: { code: "G", name: "第一网格", level: "grid", parentId: community.id, aliases: [] },
    });
  });
  afterEach(async () => {
    await t.close();
    await other.close();
  });

  it("answers tree and duty questions from memory", async () => {
    const org = await orgOf(t.db);
    const grid = [...org.units.values()].find((u) => u.code === "G");
    expect(unitChain(org, grid?.id ?? 0).map((u) => u.code)).toEqual(["G", "C", "S"]);
    const street = [...org.units.values()].find((u) => u.code === "S");
    expect(unitSubtree(org, street?.id ?? 0).map((u) => u.code)).toEqual(["S", "C", "G"]);
  });

  it("is read once while the org does not change, and again after any change to it, by anyone", async () => {
    const first = await orgOf(t.db);
    expect(await orgOf(t.db)).toBe(first);

    // A second connection (another process, the import CLI) changes the org; triggers move the revision.
    const elsewhere = await openDb(t.url);
    try {
      const grid = await elsewhere.unit.findUniqueOrThrow({ where: { code: "G" } });
      const person = await elsewhere.person.create({ data: { openId: "ou_head", name: "郑晓红" } });
      await elsewhere.duty.create({ data: { personId: person.id, unitId: grid.id, role: "grid_head" } });
      const afterDuty = await orgOf(t.db);
      expect(afterDuty).not.toBe(first);
      expect(holders(afterDuty, grid.id, "grid_head").map((h) => h.name)).toEqual(["郑晓红"]);

      await elsewhere.person.update({ where: { id: person.id }, data: { name: "郑晓虹" } });
      expect(holders(await orgOf(t.db), grid.id, "grid_head").map((h) => h.name)).toEqual(["郑晓虹"]);

      await elsewhere.chatBinding.create({ data: { chatId: "oc_1", unitId: grid.id, purpose: "work", settings: {} } });
      expect((await orgOf(t.db)).bindings.get("oc_1")?.unitId).toBe(grid.id);
      await elsewhere.chatBinding.delete({ where: { chatId: "oc_1" } });
      expect((await orgOf(t.db)).bindings.has("oc_1")).toBe(false);
    } finally {
      await elsewhere.$disconnect();
    }
  });

  it("is read once per transaction", async () => {
    await t.db.$transaction(async (tx) => {
      const org = await orgOf(tx);
      await tx.unit.create({ data: { code: "G2", name: "第二网格", level: "grid", aliases: [] } });
      expect(await orgOf(tx)).toBe(org);
    });
    expect([...(await orgOf(t.db)).units.values()].map((u) => u.code)).toContain("G2");
  });

  it("lets a transaction read the org while a reload outside it is half done, instead of waiting for that reload", async () => {
    await t.db.unit.create({ data: { code: "G9", name: "第九网格", level: "grid", aliases: [] } }); // a new revision
    let holding: () => void = () => {};
    const holds = new Promise<void>((resolve) => {
      holding = resolve;
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A chat's transaction has the connection; the router reloads the org for another chat's event meanwhile, and a
    // third chat's transaction, queued behind, gets the connection between that reload's statements.
    const first = t.db.$transaction(async (tx) => {
      await tx.issue.count();
      holding();
      await held;
    });
    await holds;
    const outside = orgOf(t.db);
    const inside = t.db.$transaction((tx) => orgOf(tx), { timeout: 5_000 });
    release();
    await first;
    const [a, b] = await Promise.all([outside, inside]);
    expect(a.units.size).toBe(4);
    expect(b.units.size).toBe(4);
  });

  it("never mixes up two databases in one process", async () => {
    expect((await orgOf(t.db)).units.size).toBe(3);
    expect((await orgOf(other.db)).units.size).toBe(0);
  });
});
