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

  it("gives dynamic indicators a 自然日, static ones three and engineering seven 工作日 by default", () => {
    for (const c of CATALOGUE) {
      expect(c.limit.amount).toBeGreaterThan(0);
      if (c.class === "engineering" && c.kind === "static") expect(c.limit).toEqual({ amount: 7, unit: "work_days" });
      else if (c.kind === "dynamic") expect(c.limit).toEqual({ amount: 1, unit: "natural_days" });
    }
    expect(CATALOGUE.find((c) => c.code === "bulletin-board")?.limit).toEqual({ amount: 3, unit: "natural_days" });
  });

  // behaviour §2.21
  it("says of every category whether it is a 部件 or an 事件, with the standard 大类/小类 where one exists", () => {
    const byName = new Map(CATALOGUE.map((c) => [c.name, c]));
    // Things (部件) and situations (事件), as the issue names them.
    for (const name of ["宣传栏破损", "公益广告破损", "公厕卫生", "井盖缺失", "店招店牌破损"]) {
      expect(byName.get(name)?.objectType, name).toBe("component");
    }
    for (const name of ["堆物堆料", "占道经营", "车辆乱停乱放", "小广告", "乱搭乱建"]) {
      expect(byName.get(name)?.objectType, name).toBe("event");
    }
    expect(byName.get("堆物堆料")).toMatchObject({ standardMajor: "市容环境", standardMinor: "乱堆物堆料" });
    expect(byName.get("出店经营")).toMatchObject({ standardMajor: "街面秩序", standardMinor: "店外经营" });
    expect(byName.get("小广告")).toMatchObject({ standardMajor: "宣传广告", standardMinor: "非法小广告" });
    expect(byName.get("公厕卫生")).toMatchObject({ standardMajor: "市容环境", standardMinor: "公共厕所" });
    // A 小类 only under a 大类; the campaign's own items (飞线充电) have none.
    for (const c of CATALOGUE) if (c.standardMinor !== null) expect(c.standardMajor, c.code).not.toBeNull();
    expect(byName.get("飞线充电")).toMatchObject({ standardMajor: null, standardMinor: null });
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
    expect(vending).toMatchObject({
      name: "占道经营",
      kind: "dynamic",
      class: "enforcement",
      limitAmount: 1,
      limitUnit: "natural_days",
      objectType: "event",
      standardMajor: "街面秩序",
      standardMinor: "无照经营游商",
    });
    expect(vending.keywords).toContain("摆摊");
    expect(vending.defaultDepartmentId).toBeNull();
  });

  it("adds only what is missing and keeps changed categories as they are", async () => {
    await ensureCatalogue(t.db);
    await t.db.category.update({
      where: { code: "litter" },
      data: { limitAmount: 6, limitUnit: "work_hours", keywords: ["垃圾"] },
    });
    await t.db.category.update({ where: { code: "flyers" }, data: { code: "xgg" } });
    await t.db.category.delete({ where: { code: "public-toilet" } });
    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 1, linked: 0 });
    expect(await t.db.category.findUniqueOrThrow({ where: { code: "litter" } })).toMatchObject({
      limitAmount: 6,
      limitUnit: "work_hours",
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
