import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { matchReportText } from "../../src/commands/file-issue.ts";
import type { Db } from "../../src/db/client.ts";
import { orgOf } from "../../src/db/org-queries.ts";
import { CATALOGUE, ensureCatalogue } from "../../src/org/catalogue.ts";
import { exportOrg } from "../../src/org/export-org.ts";
import { formatImportReport } from "../../src/org/format-import-report.ts";
import { type ImportReport, importOrg } from "../../src/org/import-org.ts";
import { writeOrgWorkbook } from "../../src/org/write-org-workbook.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { CATEGORY_HEADERS } from "../support/org-workbook.ts";

const EXAMPLE_YAML = join(import.meta.dirname, "../../examples/org.yaml");
const EXAMPLE_XLSX = join(import.meta.dirname, "../../examples/org.xlsx");

/** Everything an import can touch, in a comparable form. */
async function snapshot(db: Db) {
  return {
    org: await exportOrg(db),
    counts: [
      await db.unit.count(),
      await db.point.count(),
      await db.person.count(),
      await db.duty.count(),
      await db.category.count(),
      await db.chatBinding.count(),
    ],
  };
}

const counts = (r: ImportReport) =>
  Object.fromEntries(Object.entries(r.counts).map(([k, c]) => [k, [c.created, c.updated, c.unchanged, c.removed]]));

async function dutiesOf(db: Db, openId: string): Promise<string[]> {
  const duties = await db.duty.findMany({ where: { person: { openId } }, include: { unit: true } });
  return duties.map((d) => `${d.unit.code}:${d.role}`).sort();
}

describe("importOrg", () => {
  let t: TestDb;
  let dir: string;
  beforeEach(async () => {
    t = await createTestDb();
    dir = t.dir;
  });
  afterEach(async () => {
    await t.close();
  });

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("imports the example YAML: the tree, points, people with duties, categories and chat bindings", async () => {
    const report = await importOrg(t.db, EXAMPLE_YAML);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.changed).toBe(true);
    expect(counts(report)).toEqual({
      units: [19, 0, 0, 0],
      points: [12, 0, 0, 0],
      people: [17, 0, 0, 0],
      duties: [22, 0, 0, 0],
      categories: [2, 4, 0, 0],
      chats: [6, 0, 0, 0],
      patrols: [0, 0, 0, 0],
    });
    expect(report.catalogue.inserted).toBe(CATALOGUE.length);

    const grid = await t.db.unit.findUniqueOrThrow({ where: { code: "xfl-01" }, include: { parent: true } });
    expect(grid).toMatchObject({ name: "幸福里第一网格", level: "grid", aliases: ["幸福里一网格", "幸福里1网格"] });
    expect(grid.parent?.code).toBe("xfl");
    expect(await t.db.unit.count({ where: { level: "grid" } })).toBe(10);
    expect(await t.db.unit.count({ where: { level: "department" } })).toBe(4);

    const market = await t.db.point.findUniqueOrThrow({ where: { code: "xfl-01-01" }, include: { grid: true } });
    expect(market).toMatchObject({ name: "幸福路菜市场", key: true });
    expect(market.grid.code).toBe("xfl-01");

    const roles = (await t.db.duty.findMany()).map((d) => d.role);
    expect(new Set(roles)).toEqual(
      new Set(["grid_worker", "grid_head", "secretary", "leader", "dispatcher", "responder", "admin"]),
    );
    for (const g of await t.db.unit.findMany({ where: { level: "grid" }, include: { duties: true } })) {
      expect(
        g.duties.filter((d) => d.role === "grid_head"),
        g.code,
      ).toHaveLength(1);
    }
    expect(await dutiesOf(t.db, "ou_7da48c70f9034d62e6aa78ec0e64fcb2")).toEqual([
      "xfl-03:grid_head",
      "xfl-04:grid_head",
    ]);
    const luo = await t.db.person.findUniqueOrThrow({ where: { openId: "ou_72801495aad1ea6614d69b28f2c1ce79" } });
    expect(luo).toMatchObject({ name: "罗婷", mobile: null });

    const vending = await t.db.category.findUniqueOrThrow({
      where: { code: "street-vending" },
      include: { defaultDepartment: true },
    });
    expect(vending).toMatchObject({
      name: "占道经营",
      limitAmount: 12,
      limitUnit: "natural_hours",
      kind: "dynamic",
      class: "enforcement",
    });
    expect(vending.keywords).toContain("卖水果");
    expect(vending.defaultDepartment?.code).toBe("cgzf");
    const river = await t.db.category.findUniqueOrThrow({ where: { code: "river-litter" } });
    expect(river).toMatchObject({
      name: "河道漂浮物",
      kind: "dynamic",
      class: "cleanup",
      limitAmount: 1,
      limitUnit: "natural_days",
      objectType: "event",
      standardMajor: "市容环境",
      standardMinor: "水域不洁",
    });
    const hoarding = await t.db.category.findUniqueOrThrow({ where: { code: "construction-hoarding" } });
    expect(hoarding).toMatchObject({
      kind: "static",
      class: "engineering",
      objectType: "component",
      limitAmount: 7,
      limitUnit: "work_days",
    });
    // 店招店牌破损: 3 工作日, and 幸福街道 its own 8 工作时 (behaviour §2.20).
    const signs = await t.db.category.findUniqueOrThrow({
      where: { code: "shop-signs" },
      include: { streetLimits: { include: { street: true } } },
    });
    expect(signs).toMatchObject({ limitAmount: 3, limitUnit: "work_days", objectType: "component" });
    expect(signs.streetLimits.map((l) => [l.street.code, l.limitAmount, l.limitUnit])).toEqual([
      ["xfjd", 8, "work_hours"],
    ]);
    // Catalogue categories the file does not mention are wired to the departments the file creates.
    const parking = await t.db.category.findUniqueOrThrow({
      where: { code: "private-parking-locks" },
      include: { defaultDepartment: true },
    });
    expect(parking.defaultDepartment?.code).toBe("cgzf");

    const leaderGroup = await t.db.chatBinding.findUniqueOrThrow({
      where: { chatId: "oc_4d5ddd6843c3221baf190e97e93ea1a0" },
      include: { unit: true },
    });
    expect(leaderGroup).toMatchObject({ purpose: "leader", digestTime: "19:00", name: "幸福街道创城领导群" });
    expect(leaderGroup.unit.code).toBe("xfjd");
    const deptGroup = await t.db.chatBinding.findUniqueOrThrow({
      where: { chatId: "oc_d38e7f28450b743f1a4bf414dff693dd" },
    });
    expect(deptGroup).toMatchObject({ purpose: "department", digestTime: "18:00", settings: {} });
    expect(new Set((await t.db.chatBinding.findMany()).map((c) => c.purpose))).toEqual(
      new Set(["work", "leader", "department", "patrol"]),
    );
  });

  it("keeps grid outlines and point positions for the board, checks them, and keeps them when a file leaves them out", async () => {
    expect((await importOrg(t.db, EXAMPLE_YAML)).ok).toBe(true);
    const grid = await t.db.unit.findUniqueOrThrow({ where: { code: "xfl-01" } });
    expect(grid.boundary).toMatchObject({ type: "Polygon" });
    const point = await t.db.point.findUniqueOrThrow({ where: { code: "xfl-01-01" } });
    expect([typeof point.lat, typeof point.long]).toEqual(["number", "number"]);

    const bad = file(
      "bad-geo.yaml",
      [
        "units:",
        '  - { code: g9, name: 九网格, parent: xfl, level: 网格, boundary: \'{"type":"Point","coordinates":[1,2]}\' }',
        "points:",
        "  - { code: p9, name: 九号点, grid: xfl-01, lat: 31.2 }",
        "  - { code: p10, name: 十号点, grid: xfl-01, lat: 北纬, long: 121.4 }",
      ].join("\n"),
    );
    expect((await importOrg(t.db, bad)).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^边界应为 GeoJSON 格式的 Polygon 或 MultiPolygon/),
      "经度和纬度要一起填写",
      expect.stringMatching(/^纬度“北纬”无效/),
    ]);

    const plain = file(
      "plain.yaml",
      "units:\n  - { code: xfl-01, name: 幸福里第一网格, parent: xfl, level: 网格, aliases: [幸福里一网格, 幸福里1网格] }\n",
    );
    expect((await importOrg(t.db, plain)).counts.units.unchanged).toBe(1);
    expect((await t.db.unit.findUniqueOrThrow({ where: { code: "xfl-01" } })).boundary).toEqual(grid.boundary);
  });

  it("changes nothing when the same file is imported again, and says so", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const before = await snapshot(t.db);
    const again = await importOrg(t.db, EXAMPLE_YAML);
    expect(again.ok).toBe(true);
    expect(again.changed).toBe(false);
    expect(counts(again)).toEqual({
      units: [0, 0, 19, 0],
      points: [0, 0, 12, 0],
      people: [0, 0, 17, 0],
      duties: [0, 0, 22, 0],
      categories: [0, 0, 6, 0],
      chats: [0, 0, 6, 0],
      patrols: [0, 0, 0, 0],
    });
    expect(formatImportReport(again)).toBe(
      "导入完成：无变化（单位 19、点位 12、人员 17、职责 22、问题类别 6、群绑定 6 条均与数据库一致）。",
    );
    expect(await snapshot(t.db)).toEqual(before);
    // The workbook holds the same organisation, so it is "no change" too.
    expect((await importOrg(t.db, EXAMPLE_XLSX)).changed).toBe(false);
  });

  it("reads the example workbook into exactly what the example YAML gives", async () => {
    const other = await createTestDb();
    try {
      expect((await importOrg(t.db, EXAMPLE_YAML)).ok).toBe(true);
      const fromXlsx = await importOrg(other.db, EXAMPLE_XLSX);
      expect(fromXlsx.problems).toEqual([]);
      expect(await snapshot(other.db)).toEqual(await snapshot(t.db));
    } finally {
      await other.close();
    }
  });

  it("checks and counts in a dry run but writes nothing", async () => {
    const report = await importOrg(t.db, EXAMPLE_YAML, { dryRun: true });
    expect(report).toMatchObject({ ok: true, dryRun: true, changed: true });
    expect(report.counts.units.created).toBe(19);
    expect(formatImportReport(report)).toMatch(
      /^试运行（未写入任何数据），正式导入将：单位 新增 19、更新 0、无变化 0；/,
    );
    expect(await t.db.unit.count()).toBe(0);
    expect(await t.db.category.count()).toBe(0);
  });

  it("rejects a workbook with bad rows on several sheets as a whole, naming sheet, row and reason", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const before = await snapshot(t.db);
    const path = join(dir, "bad-org.xlsx");
    const book = new ExcelJS.Workbook();
    const sheet = (name: string, rows: (string | number)[][]) => {
      const ws = book.addWorksheet(name);
      for (const row of rows) ws.addRow(row);
    };
    sheet("单位", [
      ["单位编码", "单位名称", "上级单位", "层级", "别名"],
      ["sfq", "示范区", "", "区"],
      ["xfjd", "幸福街道（改名）", "sfq", "街道"],
      ["xfl-05", "幸福里第五网格", "nope", "网格"],
      ["xfl-05", "幸福里第五网格", "xfl", "网格"],
      ["xf-x", "某单位", "xfjd", "乡村振兴"],
      ["hp-09", "和平第九网格", "xfl-01", "网格"],
    ]);
    sheet("点位", [
      ["点位编码", "点位名称", "所属网格", "别名", "重点点位"],
      ["p-1", "菜市场", "xfl", "", "是"],
      ["p-2", "", "xfl-01", "", "也许"],
      ["p-3", "新点位", "xf-x"],
    ]);
    sheet("人员", [
      ["姓名", "open_id", "手机号", "单位编码", "角色"],
      ["张三", "ou_0123456789abcdef0123456789abcdef", "13900009999", "xfl", "社区书记"],
      ["", "ou_1123456789abcdef0123456789abcdef"],
      ["李四", "ou_123"],
      ["王五", "ou_2123456789abcdef0123456789abcdef", "1234", "xfl", "网格长"],
      ["赵六", "ou_3123456789abcdef0123456789abcdef", "", "xfl-01", "网格王"],
      ["张三", "ou_0123456789abcdef0123456789abcdef", "", "missing-unit", "网格员"],
      ["张叁", "ou_0123456789abcdef0123456789abcdef", "", "xfl-01", "网格员"],
    ]);
    sheet("问题类别", [
      CATEGORY_HEADERS,
      ["", "新类别", "动态", "", "整治"],
      ["street-vending", "", "", "", "", "", "", "", 0],
      ["litter", "", "", "", "", "", "", "", "12", "", "", "xfl"],
      ["flyers", "", "", "零件", "", "", "", "", "3周", "xfjd=2工作时、xfjd"],
      ["bulletin-board", "", "", "部件", "", "", "", "", "2工作时", "xfl=1工作日"],
    ]);
    sheet("群绑定", [
      ["群 chat_id", "群名称", "单位编码", "用途", "日报时间"],
      ["oc_0123456789abcdef0123456789abcdef", "新群", "xfl", "工作群", "25:00"],
      ["oc_1123456789abcdef0123456789abcdef", "部门群", "xfl", "部门群"],
      ["chat-1", "坏群", "xfl", "工作群"],
    ]);
    await book.xlsx.writeFile(path);

    const report = await importOrg(t.db, path);
    expect(report.ok).toBe(false);
    expect(report.changed).toBe(false);
    const lines = report.problems.map((p) => `${p.loc.sheet} ${p.loc.row} ${p.message}`);
    expect(lines).toEqual([
      "单位 4 未知的上级单位编码“nope”",
      "单位 5 重复的单位编码“xfl-05”（第 4 行已有）",
      "单位 6 层级“乡村振兴”无效，应为：区、街道、社区、网格、微网格、部门",
      "单位 7 上级单位“xfl-01”是网格，不能作为网格的上级",
      "点位 2 “xfl”是社区，点位只能属于网格或微网格",
      "点位 3 缺少点位名称",
      "点位 3 重点点位“也许”无效，应填“是”或“否”",
      "人员 3 缺少姓名",
      "人员 4 open_id“ou_123”格式不对，应为飞书用户的 open_id（ou_ 开头）",
      "人员 5 手机号“1234”格式不对，应为 11 位手机号",
      "人员 6 角色“网格王”无效，应为：网格员、网格长、社区书记、包片领导、派单员、责任人、管理员",
      "人员 7 未知的单位编码“missing-unit”",
      "人员 8 open_id“ou_0123456789abcdef0123456789abcdef”在第 2 行的姓名是“张三”，这里是“张叁”，请统一",
      "问题类别 2 类别“新类别”不在现有目录中，新增类别须填写类别编码",
      "问题类别 3 整改时限“0”无效，应为数量加单位（自然时、工作时、工作日、自然日），如 2工作时、3工作日、1自然日，最长一年；只填数字按小时（自然时）计",
      "问题类别 4 默认部门“xfl”是社区，应填部门单位的编码",
      "问题类别 5 部件/事件“零件”无效，应为：部件、事件",
      "问题类别 5 整改时限“3周”无效，应为数量加单位（自然时、工作时、工作日、自然日），如 2工作时、3工作日、1自然日，最长一年；只填数字按小时（自然时）计",
      "问题类别 5 街道时限“xfjd”无效，应为“街道编码=整改时限”，如 dcjd=2工作时，多个用“、”分隔；填“无”清除",
      "问题类别 6 街道时限中的“xfl”是社区，应填街道单位的编码",
      "群绑定 2 日报时间“25:00”无效，应为 HH:mm，如 18:00",
      "群绑定 3 部门群应绑定部门单位，“xfl”是社区",
      "群绑定 4 群 chat_id“chat-1”格式不对，应为飞书群的 chat_id（oc_ 开头）",
    ]);
    const text = formatImportReport(report);
    expect(text.split("\n")[0]).toBe("导入失败，共 23 处错误，未做任何修改：");
    expect(text).toContain("  bad-org.xlsx › 人员 › 第 6 行：角色“网格王”无效，应为：");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reads what Excel makes of typed values: numbers for mobiles and hours, a time for 18:30", async () => {
    const path = join(dir, "typed.xlsx");
    const book = new ExcelJS.Workbook();
    const units = book.addWorksheet("单位");
    units.addRow(["单位编码", "单位名称", "层级", "备注"]);
    units.addRow([1001, "一社区", "社区", "上级单位列可以省略"]);
    const people = book.addWorksheet("人员");
    people.addRow(["姓名", "open_id", "手机", "单位编码", "角色"]);
    people.addRow(["甲", "ou_0123456789abcdef0123456789abcdef", 13900000001, 1001, "书记"]);
    const chats = book.addWorksheet("群绑定");
    chats.addRow(["chat_id", "群名称", "单位编码", "用途", "日报时间"]);
    chats.addRow([
      "oc_0123456789abcdef0123456789abcdef",
      "一社区工作群",
      "1001",
      "工作",
      new Date(Date.UTC(1899, 11, 30, 18, 30)),
    ]);
    await book.xlsx.writeFile(path);

    const report = await importOrg(t.db, path);
    expect(report.problems).toEqual([]);
    expect(await t.db.person.findFirstOrThrow()).toMatchObject({ mobile: "13900000001" });
    expect(await dutiesOf(t.db, "ou_0123456789abcdef0123456789abcdef")).toEqual(["1001:secretary"]);
    expect(await t.db.chatBinding.findFirstOrThrow()).toMatchObject({ digestTime: "18:30", purpose: "work" });
  });

  it("names a missing column, and a workbook without any known sheet", async () => {
    const path = join(dir, "cols.xlsx");
    const book = new ExcelJS.Workbook();
    book.addWorksheet("人员").addRow(["姓名", "手机号"]);
    await book.xlsx.writeFile(path);
    expect(formatImportReport(await importOrg(t.db, path))).toBe(
      "导入失败，共 1 处错误，未做任何修改：\n  cols.xlsx › 人员 › 第 1 行：缺少列“open_id”",
    );

    const other = join(dir, "other.xlsx");
    const sheetless = new ExcelJS.Workbook();
    sheetless.addWorksheet("Sheet1").addRow(["名字"]);
    await sheetless.xlsx.writeFile(other);
    expect((await importOrg(t.db, other)).problems.map((p) => p.message)).toEqual([
      "工作簿中没有可识别的工作表，应有：单位、点位、人员、问题类别、群绑定、点位包干（至少一个）",
    ]);
  });

  it("writes nothing at all, not even the catalogue, when a file is rejected", async () => {
    const path = file("bad.yaml", "units:\n  - { code: a, name: 甲, level: 网格, parent: b }\n");
    const report = await importOrg(t.db, path);
    expect(report.problems.map((p) => [p.loc.row, p.message])).toEqual([[2, "未知的上级单位编码“b”"]]);
    expect(await t.db.category.count()).toBe(0);
    expect(await t.db.unit.count()).toBe(0);
  });

  it("reports YAML mistakes with their line numbers", async () => {
    const path = file(
      "org.yaml",
      [
        "units:",
        "  - code: s1",
        "    name: 一街道",
        "    level: 街道",
        "    parnet: d1",
        "people:",
        "  - name: 甲",
        "    open_id: ou_0123456789abcdef0123456789abcdef",
        "    duties:",
        "      - { unit: s1, role: 网格长 }",
        "      - { unit: s1, role: 网格王 }",
        "      - { unit: s1, role: grid_head }",
        "chats: oops",
        "teams: []",
      ].join("\n"),
    );
    const report = await importOrg(t.db, path);
    expect(report.problems.map((p) => `${p.loc.sheet ?? "-"} ${p.loc.row} ${p.message}`)).toEqual([
      "- 14 未知的部分“teams”，可用：units、points、people、categories、chats、patrols",
      "units 5 未知字段“parnet”，可用字段：code、name、parent、level、aliases、boundary",
      "people 11 角色“网格王”无效，应为：网格员、网格长、社区书记、包片领导、派单员、责任人、管理员",
      "people 12 重复的职责：单位“s1”的网格长（第 10 行已有）",
      "chats 13 “chats”下应是列表（每一项以“- ”开头）",
    ]);

    const broken = file("broken.yaml", "units:\n  - { code: a, name: 甲\n");
    const syntax = await importOrg(t.db, broken);
    expect(syntax.ok).toBe(false);
    expect(syntax.problems[0]?.message).toMatch(/^YAML 格式错误/);
    expect(formatImportReport(syntax)).toMatch(/broken\.yaml › 第 \d+ 行：YAML 格式错误/);
  });

  it("reports a missing file or an unsupported type instead of throwing", async () => {
    const missing = await importOrg(t.db, join(dir, "nope.xlsx"));
    expect(formatImportReport(missing)).toBe(
      "导入失败，共 1 处错误，未做任何修改：\n  nope.xlsx：找不到文件，请检查路径",
    );
    const csv = await importOrg(t.db, file("org.csv", "a,b"));
    expect(csv.problems[0]?.message).toContain("不支持的文件类型");
  });

  it("accepts parents listed after their children, down to microgrids", async () => {
    const path = file(
      "org.yaml",
      [
        "units:",
        "  - { code: g1-a, name: 一号楼微网格, parent: g1, level: 微网格 }",
        "  - { code: g1, name: 第一网格, parent: c1, level: grid }",
        "  - { code: c1, name: 一社区, parent: s1, level: 村 }",
        "  - { code: s1, name: 一街道, parent: d1, level: 镇 }",
        "  - { code: d1, name: 一区, level: 区县 }",
        "points:",
        "  - { code: p1, name: 一号楼门口, grid: g1-a }",
      ].join("\n"),
    );
    const report = await importOrg(t.db, path);
    expect(report.problems).toEqual([]);
    expect(report.counts.units.created).toBe(5);
    const micro = await t.db.unit.findUniqueOrThrow({
      where: { code: "g1-a" },
      include: { parent: { include: { parent: { include: { parent: { include: { parent: true } } } } } } },
    });
    expect(micro.level).toBe("microgrid");
    expect(micro.parent?.parent?.parent?.parent?.code).toBe("d1");
    expect(micro.parent?.parent?.level).toBe("community");
  });

  it("finds loops in the unit tree", async () => {
    const path = file(
      "org.yaml",
      [
        "units:",
        "  - { code: a, name: 甲部门, parent: b, level: 部门 }",
        "  - { code: b, name: 乙部门, parent: a, level: 部门 }",
        "  - { code: c, name: 丙部门, parent: c, level: 部门 }",
      ].join("\n"),
    );
    const report = await importOrg(t.db, path);
    expect(report.problems.map((p) => p.message)).toEqual([
      "单位“a”的上级关系形成了循环",
      "单位“b”的上级关系形成了循环",
      "单位“c”不能是自己的上级",
    ]);
  });

  // behaviour §2.20
  it("replaces a category's street limits with the file's, keeps them when left out, and clears them with 无", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const limits = async () =>
      (
        await t.db.streetCategoryLimit.findMany({
          where: { category: { code: "shop-signs" } },
          include: { street: true },
        })
      ).map((l) => `${l.street.code}=${l.limitAmount}${l.limitUnit}`);
    expect(await limits()).toEqual(["xfjd=8work_hours"]);

    const write = (cell: string) =>
      file(
        "limits.yaml",
        `categories:\n  - { code: shop-signs${cell ? `, street_limits: ${cell}` : ", limit: 3工作日"} }\n`,
      );
    let report = await importOrg(t.db, write("[xfjd＝1 工作日]"));
    expect(report.problems).toEqual([]);
    expect(report.counts.categories).toEqual({ created: 0, updated: 1, unchanged: 0, removed: 0 });
    expect(await limits()).toEqual(["xfjd=1work_days"]);
    // Left out, the street limits stay; the same again changes nothing.
    expect((await importOrg(t.db, write(""))).changed).toBe(false);
    expect((await importOrg(t.db, write("[xfjd=1工作日]"))).changed).toBe(false);
    expect(await limits()).toEqual(["xfjd=1work_days"]);

    report = await importOrg(t.db, write("无"));
    expect(report.counts.categories.updated).toBe(1);
    expect(await limits()).toEqual([]);

    // A unit that is no street, or one nobody knows, is refused and nothing changes.
    report = await importOrg(t.db, write("[xfl=2工作时, nowhere=2工作时]"));
    expect(report.problems.map((p) => p.message)).toEqual([
      "街道时限中的“xfl”是社区，应填街道单位的编码",
      "未知的单位编码“nowhere”",
    ]);
    expect(await limits()).toEqual([]);
  });

  it("lets an import override catalogue categories, and ensureCatalogue does not undo it", async () => {
    const path = file(
      "cats.yaml",
      [
        "categories:",
        "  - { name: 堆物堆料, limit: 6, keywords: 杂物、堆物 }",
        "  - { code: zdjy, name: 占道经营, kind: 静态 }",
        "  - { code: litter, after_photo_required: 否, limit: 2 工作时, object_type: 部件类 }",
      ].join("\n"),
    );
    const report = await importOrg(t.db, path);
    expect(report.problems).toEqual([]);
    expect(report.counts.categories).toEqual({ created: 0, updated: 3, unchanged: 0, removed: 0 });

    expect(await ensureCatalogue(t.db)).toEqual({ inserted: 0, linked: 0 });
    expect(await t.db.category.count()).toBe(CATALOGUE.length);
    expect(await t.db.category.findUniqueOrThrow({ where: { name: "堆物堆料" } })).toMatchObject({
      code: "piled-materials",
      limitAmount: 6,
      limitUnit: "natural_hours",
      keywords: ["杂物", "堆物"],
    });
    expect(await t.db.category.findUniqueOrThrow({ where: { name: "占道经营" } })).toMatchObject({
      code: "zdjy",
      kind: "static",
      class: "enforcement",
    });
    expect(await t.db.category.findUnique({ where: { code: "street-vending" } })).toBeNull();
    expect(await t.db.category.findUniqueOrThrow({ where: { code: "litter" } })).toMatchObject({
      afterPhotoRequired: false,
      limitAmount: 2,
      limitUnit: "work_hours",
      objectType: "component",
    });
    expect((await importOrg(t.db, path)).changed).toBe(false);
  });

  it("makes filing match by the keywords an import sets, for its own categories and catalogue ones it overrides", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const street = await t.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const categoryOf = async (text: string) => {
      const org = await orgOf(t.db);
      const { categoryId, candidates } = matchReportText(org, street.id, text);
      const code = (id: number | undefined) => org.categories.find((c) => c.id === id)?.code;
      return { decided: categoryId === null ? null : code(categoryId), best: code(candidates[0]?.id) };
    };
    // 河道漂浮物 is the example file's own category, 河面 and 漂浮物 its keywords.
    expect(await categoryOf("河面上有漂浮物")).toEqual({ decided: "river-litter", best: "river-litter" });
    expect(await categoryOf("堆了好多纸箱")).toEqual({ decided: "piled-materials", best: "piled-materials" });

    // An import replaces 堆物堆料's keywords: 纸箱 stops counting, 纸板箱 starts.
    await importOrg(t.db, file("cats.yaml", "categories:\n  - { code: piled-materials, keywords: 堆物、纸板箱 }\n"));
    expect(await categoryOf("堆了好多纸箱")).toEqual({ decided: null, best: undefined });
    expect(await categoryOf("门口好多纸板箱")).toEqual({ decided: "piled-materials", best: "piled-materials" });
  });

  it("refuses to give a category a name another category has", async () => {
    const path = file("cats.yaml", "categories:\n  - { code: litter, name: 小广告 }\n");
    const report = await importOrg(t.db, path);
    expect(report.problems.map((p) => p.message)).toEqual(["类别名称“小广告”已被类别“flyers”使用"]);
  });

  it("replaces a person's duties on the units the file mentions, and leaves other duties and people alone", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const he = "ou_4ab8fd1436e85dcc70dec9b1a5b6927e";
    const zheng = "ou_bca294ce03b87bc945730aa895eb3920";
    // 何小燕 moves from grid xfl-01 to xfl-02; the file is only about xfl-02 and the new microgrid.
    const path = file(
      "move.yaml",
      [
        "units:",
        "  - { code: xfl-02-a, name: 小游园微网格, parent: xfl-02, level: 微网格 }",
        "people:",
        "  - name: 何小燕",
        `    open_id: ${he}`,
        "    duties: [{ unit: xfl-02, role: 网格员 }, { unit: xfl-02-a, role: 网格员 }]",
      ].join("\n"),
    );
    const first = await importOrg(t.db, path);
    expect(counts(first).duties).toEqual([2, 0, 0, 0]);
    // xfl-01 is not in this file, so her duty there stays.
    expect(await dutiesOf(t.db, he)).toEqual(["xfl-01:grid_worker", "xfl-02-a:grid_worker", "xfl-02:grid_worker"]);

    const moved = file(
      "move2.yaml",
      ["people:", "  - name: 何小燕", `    open_id: ${he}`, "    duties: [{ unit: xfl-02, role: 网格员 }]"].join("\n"),
    );
    // Now the file mentions only xfl-02: nothing to remove there.
    expect(counts(await importOrg(t.db, moved)).duties).toEqual([0, 0, 1, 0]);

    // The full example mentions xfl-01, xfl-02 and (not) xfl-02-a: back to xfl-01 only on the units it lists.
    const back = await importOrg(t.db, EXAMPLE_YAML);
    expect(counts(back).duties).toEqual([0, 0, 22, 1]);
    expect(await dutiesOf(t.db, he)).toEqual(["xfl-01:grid_worker", "xfl-02-a:grid_worker"]);
    expect(await dutiesOf(t.db, zheng)).toEqual(["xfl-01:grid_head", "xfl-02:grid_head"]);

    // `duties: []` clears a person's duties on the units the file lists.
    const cleared = file(
      "clear.yaml",
      [
        "units:",
        "  - { code: xfl-02-a, name: 小游园微网格, parent: xfl-02, level: 微网格 }",
        "people:",
        `  - { name: 何小燕, open_id: ${he}, duties: [] }`,
      ].join("\n"),
    );
    expect(counts(await importOrg(t.db, cleared)).duties).toEqual([0, 0, 0, 1]);
    expect(await dutiesOf(t.db, he)).toEqual(["xfl-01:grid_worker"]);
  });

  it("updates people by open_id and keeps a stored mobile the file leaves out", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const path = file(
      "people.yaml",
      "people:\n  - { name: 王建国（副主任）, open_id: ou_9a95048ee04e3489544c0fd2d09fc81c }\n",
    );
    const report = await importOrg(t.db, path);
    expect(counts(report).people).toEqual([0, 1, 0, 0]);
    expect(
      await t.db.person.findUniqueOrThrow({ where: { openId: "ou_9a95048ee04e3489544c0fd2d09fc81c" } }),
    ).toMatchObject({ name: "王建国（副主任）", mobile: "13900000001" });
    expect(await dutiesOf(t.db, "ou_9a95048ee04e3489544c0fd2d09fc81c")).toEqual(["xfjd:leader"]);
  });

  it("will not turn a grid that still has points into another level", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const path = file("lvl.yaml", "units:\n  - { code: hp-03, name: 和平第三网格, parent: hp, level: 社区 }\n");
    const report = await importOrg(t.db, path);
    expect(report.problems.map((p) => p.message)).toEqual([
      "上级单位“hp”是社区，不能作为社区的上级",
      "单位“hp-03”下还有点位，不能改为社区（点位只能属于网格或微网格）",
    ]);
  });
});

describe("importOrg: patrol plans (点位包干分工表)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await importOrg(t.db, EXAMPLE_YAML);
  });
  afterEach(async () => {
    await t.close();
  });
  const PATROLS_YAML = join(import.meta.dirname, "../../examples/patrols.yaml");
  const file = (name: string, text: string): string => {
    const path = join(t.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const plans = async () =>
    (await t.db.patrolPlan.findMany({ include: { point: true, person: true, unit: true } }))
      .map((p) => `${p.point.code}:${p.level}:${p.frequency}:${p.person?.name ?? p.unit?.code}`)
      .sort();

  it("imports the example plans from YAML, changes nothing the second time, and writes them to the workbook", async () => {
    const first = await importOrg(t.db, PATROLS_YAML);
    expect(first.problems).toEqual([]);
    expect(counts(first).patrols).toEqual([19, 0, 0, 0]);
    expect(await plans()).toContain("xfl-01-01:leader:workdays:王建国");
    expect(await plans()).toContain("dfl-02-01:department:twice_monthly:wyb");
    expect(await plans()).toContain("hp-03-02:community:daily:hp");
    const again = await importOrg(t.db, PATROLS_YAML);
    expect(counts(again).patrols).toEqual([0, 0, 19, 0]);
    expect(formatImportReport(again)).toContain("巡查分工 19");

    const path = join(t.dir, "export.xlsx");
    await writeOrgWorkbook(await exportOrg(t.db), path);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet("点位包干");
    expect(((sheet?.getRow(2).values ?? []) as unknown[]).slice(1)).toEqual([
      "xfl-01-01",
      "一级",
      "工作日",
      "ou_9a95048ee04e3489544c0fd2d09fc81c",
    ]);
    const other = await createTestDb();
    try {
      expect((await importOrg(other.db, path)).problems).toEqual([]);
      expect(await exportOrg(other.db)).toEqual(await exportOrg(t.db));
    } finally {
      await other.close();
    }
  });

  it("reads the 点位包干 sheet of a workbook with its Chinese words", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("点位包干分工表");
    sheet.addRow(["点位", "层级", "频次", "巡查单位"]);
    sheet.addRow(["hp-03-01", "社区", "每日", "hp"]);
    sheet.addRow(["hp-03-01", "部门", "每月两次", "wyb"]);
    const path = join(t.dir, "plans.xlsx");
    await book.xlsx.writeFile(path);
    const report = await importOrg(t.db, path);
    expect(report.problems).toEqual([]);
    expect(await plans()).toEqual(["hp-03-01:community:daily:hp", "hp-03-01:department:twice_monthly:wyb"]);
  });

  it("replaces the plans of the points a file names, and leaves other points' plans alone", async () => {
    await importOrg(t.db, PATROLS_YAML);
    const report = await importOrg(
      t.db,
      file(
        "change.yaml",
        [
          "patrols:",
          "  - { point: xfl-01-01, level: 三级, frequency: 工作日, unit: xfl }",
          "  - { point: xfl-01-01, level: 一级, frequency: 工作日, person: ou_9a95048ee04e3489544c0fd2d09fc81c }",
        ].join("\n"),
      ),
    );
    // The community's line changed frequency (removed and added), the leader's stayed, the 市场监管所's went.
    expect(counts(report).patrols).toEqual([1, 0, 1, 2]);
    const all = await plans();
    expect(all.filter((p) => p.startsWith("xfl-01-01:"))).toEqual([
      "xfl-01-01:community:workdays:xfl",
      "xfl-01-01:leader:workdays:王建国",
    ]);
    expect(all).toHaveLength(18);
  });

  it("rejects bad lines with their row and reason, and writes nothing", async () => {
    const report = await importOrg(
      t.db,
      file(
        "bad.yaml",
        [
          "patrols:",
          "  - { point: nowhere, level: 三级, frequency: 每天, unit: xfl }",
          "  - { point: xfl-01-01, level: 四级, frequency: 每天, unit: xfl }",
          "  - { point: xfl-01-01, level: 三级, frequency: 有空就去, unit: xfl }",
          "  - { point: xfl-01-01, level: 三级, frequency: 每天 }",
          "  - { point: xfl-01-01, level: 一级, frequency: 每天, unit: xfl, person: ou_9a95048ee04e3489544c0fd2d09fc81c }",
          "  - { point: xfl-01-02, level: 一级, frequency: 每天, person: ou_00000000000000000000000000000000 }",
          "  - { point: xfl-01-02, level: 三级, frequency: 每天, unit: nope }",
          "  - { point: xfl-02-01, level: 三级, frequency: 每天, unit: xfl }",
          "  - { point: xfl-02-01, level: 三级, frequency: 每周, unit: xfl }",
        ].join("\n"),
      ),
    );
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.loc.row, p.message])).toEqual([
      [2, "未知的点位编码“nowhere”"],
      [3, expect.stringContaining("巡查层级“四级”无效")],
      [4, expect.stringContaining("巡查频次“有空就去”无效")],
      [5, "巡查人 open_id 和巡查单位编码要填写一项，且只填一项"],
      [6, "巡查人 open_id 和巡查单位编码要填写一项，且只填一项"],
      [7, "未知的巡查人 open_id“ou_00000000000000000000000000000000”：请先在人员中登记"],
      [8, "未知的单位编码“nope”"],
      [10, "重复的包干分工：点位“xfl-02-01”的同一巡查人、同一层级（第 9 行已有）"],
    ]);
    expect(await t.db.patrolPlan.count()).toBe(0);
  });
});
