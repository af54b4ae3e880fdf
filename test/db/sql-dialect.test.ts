import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db, Tx } from "../../src/db/client.ts";
import { dialectOf } from "../../src/db/sql-dialect.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

// The statements written by hand read times as numbers and a JSON key as text on either database (the suite runs
// this on both), from the client and from a transaction's client alike.
describe("dialectOf", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await t.db.jobRun.createMany({
      data: [
        { key: "a", kind: "digest", createdAt: new Date("2026-11-23T01:02:03.456Z"), data: { kind: "parked" } },
        { key: "b", kind: "digest", createdAt: new Date("1969-12-31T23:59:59.999Z"), data: { other: 1 } },
      ],
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const read = (db: Db | Tx) => {
    const { epochMs, jsonText } = dialectOf(db);
    return db.$queryRaw<{ key: string; at: number; kind: string | null }[]>`
      SELECT "JobRun"."key", ${epochMs(`"JobRun"."createdAt"`)} AS "at", ${jsonText(`"JobRun"."data"`, "kind")} AS "kind"
      FROM "JobRun" WHERE "JobRun"."createdAt" < ${new Date("2026-11-23T01:02:03.457Z")} ORDER BY "JobRun"."key"`;
  };
  const expected = [
    { key: "a", at: Date.parse("2026-11-23T01:02:03.456Z"), kind: "parked" },
    { key: "b", at: -1, kind: null },
  ];

  it("reads a time as Unix milliseconds and a JSON key as text, NULL when absent", async () => {
    expect(await read(t.db)).toEqual(expected);
  });

  it("reads the same inside a transaction", async () => {
    expect(await t.db.$transaction((tx) => read(tx))).toEqual(expected);
  });
});
