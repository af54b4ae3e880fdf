import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { normalizeText } from "../../src/domain/match.ts";
import { CATALOGUE, CATALOGUE_DEPARTMENTS, ensureCatalogue } from "../../src/org/catalogue.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

describe("default category catalogue", () => {
  it("has at least 15 categories with unique codes and names", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CATALOGUE.map((c) => c.code)).size).toBe(CATALOGUE.length);
    expect(new Set(CATALOGUE.map((c) => c.name)).size).toBe(CATALOGUE.length);
  });

  it("covers the problems of a campaign day (behaviour §1.6)", () => {
    const names = CATALOGUE.map((c) => c.name);
    for (const name of [
      "堆物堆料",
      "车辆乱停乱放",
      "乱扔垃圾",
      "小广告",
      "飞线充电",
      "私设地锁",
      "占道经营",
      "宣传栏破损",
      "公益广告破损",
      "新时代文明实践站更新不到位",
      "公勺公筷",
      "消防设施缺失损坏",
      "乱拉乱挂",
      "道路破损",
      "井盖缺失",
      "绿化带破坏",
      "不文明养犬",
      "乱搭乱建",
    ]) {
      expect(names).toContain(name);
    }
  });

  it("never gives one word to two categories, so the classifier does not tie on a keyword", () => {
    const owner = new Map<string, string>();
    for (const c of CATALOGUE) {
      for (const word of new Set([c.name, ...c.keywords].map(normalizeText))) {
        expect(owner.get(word), `${word} in ${c.code} and ${owner.get(word)}`).toBeUndefined();
        owner.set(word, c.code);
      }
    }
  });

  it("gives dynamic indicators a day, static ones three days and engineering seven working days by default", () => {
    for (const c of CATALOGUE) {
      expect(c.deadlineHours).toBeGreaterThan(0);
      if (c.class === "engineering" && c.kind === "static")
        expect([c.deadlineHours, c.workingDays]).toEqual([168, true]);
      else if (c.kind === "dynamic") expect(c.deadlineHours).toBe(24);
    }
    expect(CATALOGUE.find((c) => c.code === "bulletin-board")?.deadlineHours).toBe(72);
  });

  it("sends enforcement categories to a department", () => {
    const departments = new Set<string>(Object.values(CATALOGUE_DEPARTMENTS));
    for (const c of CATALOGUE.filter((e) => e.class === "enforcement")) {
      expect(c.defaultDepartment, c.code).not.toBeNull();
    }
    for (const c of CATALOGUE) if (c.defaultDepartment) expect(departments).toContain(c.defaultDepartment);
    expect(CATALOGUE.find((c) => c.name === "占道经营")?.defaultDepartment).toBe(CATALOGUE_DEPARTMENTS.enforcement);
  });
});

describe("ensureCatalogue", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  it("loads the whole catalogue into an empty database once", async () => {
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: CATALOGUE.length, linked: 0 });
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 0, linked: 0 });
    expect(await t.db.category.count()).toBe(CATALOGUE.length);
    const vending = await t.db.category.findUniqueOrThrow({ where: { code: "street-vending" } });
    expect(vending).toMatchObject({ name: "占道经营", kind: "dynamic", class: "enforcement", deadlineHours: 24 });
    expect(vending.keywords).toContain("摆摊");
    expect(vending.defaultDepartmentId).toBeNull();
  });

  it("adds only what is missing and keeps changed categories as they are", async () => {
    await ensureCatalogue(t.db);
    await t.db.category.update({ where: { code: "litter" }, data: { deadlineHours: 6, keywords: ["垃圾"] } });
    await t.db.category.update({ where: { code: "flyers" }, data: { code: "xgg" } });
    await t.db.category.delete({ where: { code: "public-toilet" } });
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 1, linked: 0 });
    expect(await t.db.category.findUniqueOrThrow({ where: { code: "litter" } })).toMatchObject({
      deadlineHours: 6,
      keywords: ["垃圾"],
    });
    expect(await t.db.category.findUnique({ where: { code: "flyers" } })).toBeNull();
  });

  it("links catalogue categories to their department once the department exists", async () => {
    await ensureCatalogue(t.db);
    const cgzf = await t.db.unit.create({
      data: { code: "cgzf", name: "城管执法中队", level: "department", aliases: [] },
    });
    const linked = CATALOGUE.filter((c) => c.defaultDepartment === "cgzf").length;
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 0, linked });
    expect(await t.db.category.findUniqueOrThrow({ where: { code: "street-vending" } })).toMatchObject({
      defaultDepartmentId: cgzf.id,
    });
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 0, linked: 0 });
  });
});
