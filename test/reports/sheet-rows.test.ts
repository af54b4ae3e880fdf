import { PassThrough, type Stream } from "node:stream";
import ExcelJS, { type CellValue, type Style } from "exceljs";
import { describe, expect, it } from "vitest";
import { type SheetRow, SheetRows } from "../../src/reports/sheet-rows.ts";
import { readZip } from "../support/zip.ts";

const plain: Partial<Style> = { font: { name: "Calibri", size: 11 }, alignment: { vertical: "top" } };
const wrapped: Partial<Style> = { alignment: { vertical: "top", wrapText: true } };
const dated: Partial<Style> = { numFmt: "yyyy-mm-dd hh:mm" };
const linked: Partial<Style> = { font: { color: { argb: "FF0563C1" }, underline: true } };
/** No number format: exceljs gives it the one of the first cell's type (a date's mm-dd-yy here). */
const unformatted: Partial<Style> = { alignment: { horizontal: "center" } };

const at = new Date(Date.UTC(2026, 10, 20, 18, 5, 0));
const rows: SheetRow[] = [
  {
    number: 2,
    values: [
      1001,
      "东苑社区 <A&B> \"引号\" 'x'\u0001\u000b\u007f\ttab\nline\r",
      at,
      { text: "整改前", hyperlink: "照片/1001-整改前.jpg" },
      null,
      at,
    ],
    styles: [plain, wrapped, dated, linked, plain, unformatted],
    height: 47,
  },
  { number: 3, values: [0.1 + 0.2, null, null, null, null, null], styles: [plain, {}, dated, linked, {}, unformatted] },
  { number: 4, values: [null, null], styles: [{}, {}] },
  { number: 5, values: [null, null], styles: [{}, {}], height: 30 },
  {
    number: 7,
    values: Array.from({ length: 29 }, (_, i): CellValue => (i % 3 === 0 ? i : i % 3 === 1 ? `列${i}` : null)),
    styles: Array.from({ length: 29 }, (_, i) => (i % 2 ? plain : wrapped)),
  },
  {
    number: 8,
    values: [{ text: "https://例子.cn/a b", hyperlink: "https://xn--fsqu00a.cn/a%20b" }, -12.5, "", "&amp;"],
    styles: [linked, plain, plain, plain],
  },
];

/** The parts of a one-sheet workbook whose rows `write` wrote after a header row written by exceljs. */
async function workbook(write: (sheet: ExcelJS.Worksheet) => void): Promise<Map<string, string>> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (chunk: Buffer) => chunks.push(chunk));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output as unknown as Stream,
    useStyles: true,
    useSharedStrings: false,
  });
  book.created = at;
  book.modified = at;
  const sheet = book.addWorksheet("表");
  const header = sheet.getRow(1);
  header.getCell(1).value = "编号";
  header.getCell(1).style = plain;
  header.commit();
  write(sheet);
  sheet.commit();
  await book.commit();
  const parts = await readZip(Buffer.concat(chunks));
  return new Map([...parts].map(([name, data]) => [name, data.toString("utf8")]));
}

function withExceljs(sheet: ExcelJS.Worksheet): void {
  for (const r of rows) {
    const row = sheet.getRow(r.number);
    r.values.forEach((value, i) => {
      const cell = row.getCell(i + 1);
      cell.value = value === "" ? null : value;
      cell.style = r.styles[i] ?? {};
    });
    if (r.height !== undefined) row.height = r.height;
    row.commit();
  }
}

describe("SheetRows", () => {
  it("writes rows, their styles and their hyperlinks byte for byte as exceljs's row.commit() does", async () => {
    const expected = await workbook(withExceljs);
    const actual = await workbook((sheet) => {
      const writer = new SheetRows(sheet);
      for (const r of rows) writer.write({ ...r, values: r.values.map((v) => (v === "" ? null : v)) });
    });
    for (const part of ["xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/styles.xml"]) {
      expect(actual.get(part), part).toBe(expected.get(part));
    }
    expect(actual.get("xl/worksheets/sheet1.xml")).toContain("&lt;A&amp;B&gt; &quot;引号&quot; &apos;x&apos;\ttab");
    expect(actual.get("xl/worksheets/_rels/sheet1.xml.rels")).toContain("照片/1001-整改前.jpg");
  });

  it("refuses a row exceljs has passed, a row while exceljs holds one uncommitted, and a value it cannot write", async () => {
    await workbook((sheet) => {
      const writer = new SheetRows(sheet);
      expect(() => writer.write({ number: 1, values: [1], styles: [plain] })).toThrow(/row 1/);
      sheet.getRow(2).getCell(1).value = 1;
      expect(() => writer.write({ number: 3, values: [1], styles: [plain] })).toThrow(/row 3/);
      sheet.getRow(2).commit();
      expect(() => writer.write({ number: 3, values: [true], styles: [plain] })).toThrow(TypeError);
    });
  });
});
