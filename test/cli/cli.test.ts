import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "riqing-cli-"));

/** Runs `riqing …` as a user would, with a clean environment pointing at a temp database. */
function riqing(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin/riqing.js"), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: `file:${join(dir, "riqing.db")}`, DATA_DIR: dir, ...env },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("riqing CLI", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates, imports the example org twice (the second time: no change) and exports a ledger", async () => {
    expect(riqing(["migrate"])).toMatchObject({ code: 0, out: expect.stringContaining("已升级数据库") });
    const first = riqing(["import", join(ROOT, "examples/org.yaml")]);
    expect(first.code).toBe(0);
    expect(first.out).toContain("单位 新增 19");
    const again = riqing(["import", join(ROOT, "examples/org.xlsx")]);
    expect(again.out).toContain("无变化");
    const out = join(dir, "台账.xlsx");
    const exported = riqing([
      "export",
      "ledger",
      "--unit",
      "xfjd",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-30",
      "--out",
      out,
    ]);
    expect(exported).toMatchObject({ code: 0, out: expect.stringContaining("已导出 幸福街道 台账") });
    expect(existsSync(out)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.getWorksheet("网格汇总")).toBeDefined();
  });

  it("stops on bad configuration with one line per variable", () => {
    const bad = riqing(["migrate"], { PORT: "x", RIQING_TIMEZONE: "Mars/Base" });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("PORT：");
    expect(bad.err).toContain("RIQING_TIMEZONE：");
  });

  it("explains unknown commands and missing arguments in Chinese", () => {
    expect(riqing(["fly"])).toMatchObject({ code: 2, err: expect.stringContaining("未知命令“fly”") });
    expect(riqing(["export", "ledger", "--unit", "xfl"]).err).toContain("缺少参数：--from、--to、--out");
    expect(riqing(["import"]).err).toContain("请指定要导入的文件");
  });
});
