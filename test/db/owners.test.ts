import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ownersOf } from "../../src/db/owners.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

describe("ownersOf", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  // The 18:00 digests of a 400-community city list every issue in hand at once: more ids than one query may bind
  // (SQLite allows 32,766 values at most).
  it("answers for more issues in hand than one query can bind", async () => {
    const person = await t.db.person.create({ data: { name: "张伟", openId: "ou_owner_many" } });
    const issues = Array.from({ length: 40_000 }, (_, i) => ({
      id: i + 1,
      assigneePersonId: person.id,
      assigneeUnitId: null,
    }));
    const owners = await ownersOf(t.db, issues);
    expect(owners.size).toBe(issues.length);
    expect(owners.get(40_000)).toEqual({ unit: null, people: [{ name: "张伟", openId: "ou_owner_many" }] });
  });
});
