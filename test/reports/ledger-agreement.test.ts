import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Period } from "../../src/domain/deadline.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { unitStats } from "../../src/reports/stats.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { formatRate } from "../../src/texts/messages.ts";
import { insertIssuesFast, randomIssues, seededDb, sh } from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";
/** Friday 2026-11-20 at 18:00: the month and the week are still running, the 19th is over. */
const now = sh("2026-11-20 18:00");

/** Cover labels of the figures compared: the cover's value, and the same figure counted from the rows. */
const LABELS = ["发现问题", "已整改", "已销项", "未销项", "超期", "待验收", "反弹", "整改率"] as const;

const OPEN = new Set(["待派单", "待接单", "整改中", "待验收"]);

/** A wall-clock cell (local time written as UTC, see ledger-time.ts) inside a period given in real instants. */
function inPeriod(cell: ExcelJS.CellValue, period: Period): boolean {
  if (!(cell instanceof Date)) return false;
  const offset = 8 * 3_600_000;
  const at = cell.getTime() - offset;
  return at >= period.from.getTime() && at < period.to.getTime();
}

async function ledgerOf(db: Parameters<typeof exportLedger>[0], dir: string, unitCode: string, period: Period) {
  const out = join(dir, `${unitCode}-${period.from.getTime()}.xlsx`);
  await exportLedger(db, { unitCode, ...period, timeZone: TZ, out, now });
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(out);
  const cover = new Map<string, ExcelJS.CellValue>();
  book.getWorksheet(LEDGER_SHEET_NAMES.cover)?.eachRow((row) => {
    cover.set(String(row.getCell(1).value), row.getCell(2).value);
  });
  const rows: ExcelJS.CellValue[][] = [];
  book.getWorksheet(LEDGER_SHEET_NAMES.issues)?.eachRow((row, n) => {
    if (n > 1) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  const onCover = new Map(LABELS.map((label) => [label, cover.get(label)]));
  // Columns: 1 发现时间 · 12 状态（统计时点）· 13 整改时间 · 14 销项时间 · 18 是否超期 · 19 是否反弹.
  const found = rows.filter((r) => inPeriod(r[1], period) && r[12] !== "不予受理" && r[12] !== "重复");
  const closed = rows.filter((r) => inPeriod(r[14], period)).length;
  const open = rows.filter((r) => OPEN.has(String(r[12])));
  const overdue = rows.filter((r) => r[18] === "是").length;
  const reportedOpen = open.filter((r) => inPeriod(r[1], period) || r[18] === "是").length;
  const fromRows = new Map<string, ExcelJS.CellValue>([
    ["发现问题", found.length],
    ["已整改", rows.filter((r) => inPeriod(r[13], period) && (r[12] === "待验收" || r[12] === "已销项")).length],
    ["已销项", closed],
    ["未销项", open.length],
    ["超期", overdue],
    ["待验收", rows.filter((r) => r[12] === "待验收").length],
    ["反弹", found.filter((r) => r[19] === "是").length],
    ["整改率", formatRate(closed + reportedOpen === 0 ? null : closed / (closed + reportedOpen))],
  ]);
  return { onCover, fromRows, rows };
}

describe("a ledger's cover and its rows", () => {
  const f = seededDb(randomIssues(2611, 240, now, 45), insertIssuesFast);
  const periods: Record<string, Period> = {
    day: { from: sh("2026-11-19 00:00"), to: sh("2026-11-20 00:00") },
    week: { from: sh("2026-11-16 00:00"), to: sh("2026-11-23 00:00") },
    month: { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") },
  };

  for (const [name, period] of Object.entries(periods)) {
    it(`agree for a ${name}, and with 统计`, async () => {
      for (const unit of ["C1", "S"]) {
        const { onCover, fromRows } = await ledgerOf(f.db, f.dir, unit, period);
        expect(onCover, `${unit} ${name}`).toEqual(fromRows);
        const s = await unitStats(f.db, unit, period, now);
        expect(onCover).toEqual(
          new Map<string, ExcelJS.CellValue>([
            ["发现问题", s.found],
            ["已整改", s.rectified],
            ["已销项", s.closed],
            ["未销项", s.open],
            ["超期", s.overdue],
            ["待验收", s.awaitingVerification],
            ["反弹", s.rebound],
            ["整改率", formatRate(s.rate.rate)],
          ]),
        );
        // Every issue open at the observation instant is a row, not only those reported in the period.
        expect(onCover.get("未销项")).toBeGreaterThan(0);
      }
    });
  }

  it("agree for a period across a re-import that moved a grid to another community", async () => {
    const period = { from: sh("2026-11-10 00:00"), to: sh("2026-11-20 00:00") };
    const before = await ledgerOf(f.db, f.dir, "C2", period);
    const file = join(f.dir, "move-g12.yaml");
    writeFileSync(file, "units:\n  - { code: G12, name: 东苑二网格, parent: C2, level: 网格 }\n");
    expect((await importOrg(f.db, file)).ok).toBe(true);
    for (const unit of ["C1", "C2"]) {
      const { onCover, fromRows } = await ledgerOf(f.db, f.dir, unit, period);
      expect(onCover, unit).toEqual(fromRows);
    }
    const after = await ledgerOf(f.db, f.dir, "C2", period);
    // G12's issues are now 西苑社区's, on the cover and in the rows alike.
    expect(after.rows.length).toBeGreaterThan(before.rows.length);
    expect(after.rows.some((r) => r[3] === "东苑二网格" && r[2] === "西苑社区")).toBe(true);
  });
});
