// behaviour §9.6
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { statementsRun } from "../../src/db/statement-count.ts";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { type IssueSeed, insertIssuesFast, randomIssues, seededDb, sh } from "./stats-fixture.ts";

const asOf = sh("2026-11-20 18:00");
/** Issues of the first three weeks of November. */
const seeds: IssueSeed[] = randomIssues(1122, 40, asOf, 18);

describe("the ledger's queries", () => {
  const f = seededDb(seeds, insertIssuesFast);

  const issueNumbers = async (file: string) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const numbers: number[] = [];
    book.getWorksheet(LEDGER_SHEET_NAMES.issues)?.eachRow((row, n) => {
      if (n > 1) numbers.push(row.getCell(1).value as number);
    });
    return numbers;
  };

  it("are as many for a century, or for 1900–2999, as for the month that holds the same issues", async () => {
    const queriesFor = async (name: string, from: Date, to: Date) => {
      const before = statementsRun();
      const out = join(f.dir, `${name}.xlsx`);
      await exportLedger(f.db, { unitCode: "S", from, to, out, now: asOf, dataDir: f.dir });
      return { queries: statementsRun() - before, numbers: await issueNumbers(out) };
    };
    // The first export also loads the org snapshot (the 整改时限 column reads it); later ones only check its revision.
    await queriesFor("warm-up", sh("2026-11-01 00:00"), sh("2026-12-01 00:00"));
    const month = await queriesFor("month", sh("2026-11-01 00:00"), sh("2026-12-01 00:00"));
    const century = await queriesFor("century", sh("1926-12-01 00:00"), sh("2026-12-01 00:00"));
    const millennium = await queriesFor("millennium", sh("1900-01-01 00:00"), sh("3000-01-01 00:00"));
    expect(month.numbers.length).toBeGreaterThan(30);
    expect(century.numbers).toEqual(month.numbers);
    expect(millennium.numbers).toEqual(month.numbers);
    expect(century.queries).toBe(month.queries);
    expect(millennium.queries).toBe(month.queries);
  });

  it("list every issue once, in number order, when they are read two at a time", async () => {
    const period = { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") };
    const write = async (name: string, pageSize?: number) => {
      const out = join(f.dir, `${name}.xlsx`);
      await exportLedger(f.db, { unitCode: "S", ...period, out, now: asOf, ...(pageSize && { pageSize }) });
      return issueNumbers(out);
    };
    const paged = await write("paged", 2);
    expect(paged).toEqual(await write("whole"));
    expect(paged).toEqual([...new Set(paged)].sort((a, b) => a - b));
  });
});
