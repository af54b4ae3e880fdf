import { afterEach, describe, expect, it } from "vitest";
import { type DatabaseBefore, databaseBefore } from "../support/migration-db.ts";

const MIGRATION = "20261206202937_category_time_limits";

/** Categories as earlier versions stored them: hours, counted on working days or not. */
const STORED = [
  { code: "piled-materials", hours: 24, workingDays: false },
  { code: "bulletin-board", hours: 72, workingDays: false },
  { code: "illegal-building", hours: 168, workingDays: true },
  { code: "custom-half-day", hours: 12, workingDays: false },
  { code: "custom-36-working", hours: 36, workingDays: true },
];

describe("the migration that gives each category a time limit in a unit", () => {
  let before: DatabaseBefore | undefined;
  afterEach(async () => {
    await before?.close();
    before = undefined;
  });

  it("converts hours on working days to 工作日, whole days to 自然日 and other hours to 自然时", async () => {
    before = await databaseBefore(MIGRATION);
    const { db } = before;
    for (const c of STORED) {
      // Raw SQL: the client knows only today's columns.
      await db.$executeRawUnsafe(
        `INSERT INTO "Category" ("code", "name", "kind", "class", "keywords", "deadlineHours", "workingDays", "updatedAt")
         VALUES ('${c.code}', '${c.code}', 'static', 'management', '[]', ${c.hours}, ${c.workingDays}, CURRENT_TIMESTAMP)`,
      );
    }

    expect(await before.migrateRest()).toContain(MIGRATION);

    const rows = await db.category.findMany({
      orderBy: { id: "asc" },
      select: {
        code: true,
        limitAmount: true,
        limitUnit: true,
        objectType: true,
        standardMajor: true,
        standardMinor: true,
      },
    });
    expect(rows).toEqual([
      {
        code: "piled-materials",
        limitAmount: 1,
        limitUnit: "natural_days",
        objectType: "event",
        standardMajor: "市容环境",
        standardMinor: "乱堆物堆料",
      },
      {
        code: "bulletin-board",
        limitAmount: 3,
        limitUnit: "natural_days",
        objectType: "component",
        standardMajor: null,
        standardMinor: null,
      },
      {
        code: "illegal-building",
        limitAmount: 7,
        limitUnit: "work_days",
        objectType: "event",
        standardMajor: "市容环境",
        standardMinor: "私搭乱建",
      },
      {
        code: "custom-half-day",
        limitAmount: 12,
        limitUnit: "natural_hours",
        objectType: "event",
        standardMajor: null,
        standardMinor: null,
      },
      {
        code: "custom-36-working",
        limitAmount: 1.5,
        limitUnit: "work_days",
        objectType: "event",
        standardMajor: null,
        standardMinor: null,
      },
    ]);
  });

  it("keeps a category's changes revising the org, and a street's own limit revises it too", async () => {
    before = await databaseBefore(MIGRATION);
    const { db } = before;
    await before.migrateRest();
    const token = async () => (await db.orgRevision.findUniqueOrThrow({ where: { id: 1 } })).token;
    const street = await db.unit.create({ data: { code: "s1", name: "东城街道", level: "street", aliases: [] } });
    const category = await db.category.create({
      data: { code: "c1", name: "堆物堆料", kind: "dynamic", class: "cleanup", keywords: [] },
    });

    let seen = await token();
    await db.category.update({ where: { id: category.id }, data: { limitUnit: "work_hours", limitAmount: 2 } });
    expect(await token()).not.toBe(seen);

    seen = await token();
    const limit = await db.streetCategoryLimit.create({
      data: { streetId: street.id, categoryId: category.id, limitAmount: 4, limitUnit: "work_hours" },
    });
    expect(await token()).not.toBe(seen);
    seen = await token();
    await db.streetCategoryLimit.update({ where: { id: limit.id }, data: { limitAmount: 3 } });
    expect(await token()).not.toBe(seen);
    seen = await token();
    await db.streetCategoryLimit.delete({ where: { id: limit.id } });
    expect(await token()).not.toBe(seen);
  });
});
