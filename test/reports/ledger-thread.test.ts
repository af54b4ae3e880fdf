// behaviour §9.7
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { exportLedgerOnThread } from "../../src/reports/ledger-thread.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { insertIssuesFast, randomIssues, seededDb, sh } from "./stats-fixture.ts";

const asOf = sh("2026-11-20 18:00");
const period = { from: sh("2026-11-01 00:00"), to: sh("2026-11-21 00:00") };

/** Every sheet's cell values, row by row, but the cover's time of export. */
async function sheets(file: string): Promise<Record<string, unknown[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const out: Record<string, unknown[][]> = {};
  for (const name of Object.values(LEDGER_SHEET_NAMES)) {
    const rows: unknown[][] = [];
    book.getWorksheet(name)?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    out[name] = rows;
  }
  return out;
}

describe("the ledger on a thread of its own", () => {
  const f = seededDb(randomIssues(77, 120, asOf, 30), insertIssuesFast);

  it("writes the workbook exportLedger writes, over its own connection, and says what it wrote", async () => {
    const common = { unitCode: "S", ...period, timeZone: "Asia/Shanghai", now: asOf, dataDir: f.dir };
    const here = join(f.dir, "here", "ledger.xlsx");
    const there = join(f.dir, "there", "ledger.xlsx");
    const expected = await exportLedger(f.db, { ...common, out: here });
    const result = await exportLedgerOnThread(f.url, { ...common, out: there });
    const { peakHeapBytes, ...exported } = result;
    expect(exported).toEqual(expected);
    expect(peakHeapBytes).toBeGreaterThan(0);
    expect(await sheets(there)).toEqual(await sheets(here));
  });

  it("fails as exportLedger fails: an unknown unit by name", async () => {
    const out = join(f.dir, "nope.xlsx");
    await expect(exportLedgerOnThread(f.url, { unitCode: "NOPE", ...period, out, now: asOf })).rejects.toMatchObject({
      name: "UnknownUnitError",
      message: "Unknown unit: NOPE",
    });
  });
});
