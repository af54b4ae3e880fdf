import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportOrg } from "../../src/org/export-org.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { toOrgData } from "../../src/org/org-data.ts";
import { readOrgFile } from "../../src/org/read-org-file.ts";
import { writeOrgWorkbook } from "../../src/org/write-org-workbook.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { CATEGORY_HEADERS } from "../support/org-workbook.ts";

const EXAMPLE_YAML = join(import.meta.dirname, "../../examples/org.yaml");
const EXAMPLE_XLSX = join(import.meta.dirname, "../../examples/org.xlsx");

describe("writeOrgWorkbook", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  it("writes the sheets and Chinese headers the import reads, with a 填写说明 sheet", async () => {
    const path = join(t.dir, "template.xlsx");
    await writeOrgWorkbook({ units: [], points: [], people: [], categories: [], chats: [], patrols: [] }, path);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "单位",
      "点位",
      "人员",
      "问题类别",
      "群绑定",
      "点位包干",
      "填写说明",
    ]);
    const headers = (name: string) => {
      const sheet = book.getWorksheet(name);
      if (!sheet) throw new Error(`no sheet ${name}`);
      return (sheet.getRow(1).values as unknown[]).slice(1);
    };
    expect(headers("单位")).toEqual(["单位编码", "单位名称", "上级单位", "层级", "别名", "边界（GeoJSON）"]);
    expect(headers("点位")).toEqual(["点位编码", "点位名称", "所属网格", "别名", "重点点位", "纬度", "经度"]);
    expect(headers("人员")).toEqual(["姓名", "open_id", "手机号", "单位编码", "角色"]);
    expect(headers("问题类别")).toEqual(CATEGORY_HEADERS);
    expect(headers("群绑定")).toEqual(["群 chat_id", "群名称", "单位编码", "用途", "日报时间"]);
    expect(headers("点位包干")).toEqual(["点位编码", "巡查层级", "巡查频次", "巡查人 open_id", "巡查单位编码"]);
    expect(book.getWorksheet("人员")?.getCell("E2").dataValidation).toMatchObject({ type: "list" });
    // An empty template reads as a file with nothing in it.
    expect((await importOrg(t.db, path)).problems.map((p) => p.message)).toEqual(["文件中没有任何可导入的数据"]);
  });

  it("is up to date in examples/org.xlsx: the example workbook holds the example YAML, row for row", async () => {
    const yaml = await readOrgFile(EXAMPLE_YAML);
    const xlsx = await readOrgFile(EXAMPLE_XLSX);
    expect(yaml.problems).toEqual([]);
    expect(xlsx.problems).toEqual([]);
    expect(toOrgData(xlsx.org)).toEqual(toOrgData(yaml.org));
  });

  it("round-trips the stored organisation: export, write, import elsewhere gives the same database", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const path = join(t.dir, "export.xlsx");
    const org = await exportOrg(t.db);
    await writeOrgWorkbook(org, path);
    expect((await importOrg(t.db, path)).changed).toBe(false);

    const other = await createTestDb();
    try {
      const report = await importOrg(other.db, path);
      expect(report.problems).toEqual([]);
      expect(await exportOrg(other.db)).toEqual(org);
    } finally {
      await other.close();
    }
  });

  it("lists units parents first, departments after areas", async () => {
    await importOrg(t.db, EXAMPLE_YAML);
    const { units, people } = await exportOrg(t.db);
    expect(units.slice(0, 4).map((u) => u.code)).toEqual(["sfq", "xfjd", "dfl", "dfl-01"]);
    expect(units.slice(-4).map((u) => u.code)).toEqual(["cgzf", "scjg", "wyb", "zhzx"]);
    expect(people.find((p) => p.name === "林涛")?.duties.map((d) => d.unit)).toEqual(["hp-01", "hp-02", "hp-03"]);
  });
});
