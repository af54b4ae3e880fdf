/**
 * Reads an organisation workbook (.xlsx, one sheet per section, Chinese sheet names and headers in row 1) into raw
 * rows that remember their Excel row numbers. Unknown sheets and columns (说明, 备注…) are ignored.
 */

import type { CellValue, Worksheet } from "exceljs";
import { normalizeText } from "../domain/match.ts";
import { T } from "../texts/org.ts";
import { ORG_SECTIONS, type OrgProblem, type OrgSection, type SourceLoc } from "./org-data.ts";
import { ORG_SHEETS } from "./org-fields.ts";
import type { RawOrg, RawRecord, RawValue } from "./parse-org-rows.ts";

const DUTY_FIELDS = new Set(["unit", "role"]);

/** Splits a workbook into raw rows per section, with a problem for an unreadable file or a missing column. */
export async function readOrgWorkbook(path: string, file: string): Promise<{ raw: RawOrg; problems: OrgProblem[] }> {
  const raw: RawOrg = { units: [], points: [], people: [], categories: [], chats: [], patrols: [] };
  const problems: OrgProblem[] = [];
  const { default: Excel } = await import("exceljs");
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch {
    problems.push({ loc: { file }, message: T.xlsxUnreadable() });
    return { raw, problems };
  }

  const found = new Set<OrgSection>();
  for (const sheet of workbook.worksheets) {
    const section = sectionOf(sheet.name);
    if (!section || found.has(section)) continue;
    found.add(section);
    readSheet(sheet, section, file, raw, problems);
  }
  if (found.size === 0) problems.push({ loc: { file }, message: T.xlsxNoSheets() });
  return { raw, problems };
}

function sectionOf(sheetName: string): OrgSection | undefined {
  const name = normalizeText(sheetName);
  return ORG_SECTIONS.find((s) =>
    [ORG_SHEETS[s].sheet, ...ORG_SHEETS[s].sheetAliases].some((n) => normalizeText(n) === name),
  );
}

function readSheet(sheet: Worksheet, section: OrgSection, file: string, raw: RawOrg, problems: OrgProblem[]): void {
  const spec = ORG_SHEETS[section];
  const headerLoc: SourceLoc = { file, section, sheet: sheet.name, row: 1 };

  const byHeader = new Map<string, string>();
  for (const f of spec.fields) for (const h of [f.header, f.key, ...f.aliases]) byHeader.set(normalizeText(h), f.key);
  const columns = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    const key = byHeader.get(normalizeText(cellText(cell.value)));
    if (key && !columns.has(key)) columns.set(key, col);
  });
  const missing = spec.fields.filter((f) => f.required && !columns.has(f.key));
  for (const f of missing) problems.push({ loc: headerLoc, message: T.xlsxMissingColumn(f.header) });
  if (missing.length > 0) return;

  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const fields: Record<string, RawValue> = {};
    let blank = true;
    for (const [key, col] of columns) {
      const text = cellText(row.getCell(col).value).trim();
      if (text !== "") {
        fields[key] = text;
        blank = false;
      }
    }
    if (blank) continue;
    const loc: SourceLoc = { file, section, sheet: sheet.name, row: r };
    if (section !== "people") {
      raw[section].push({ loc, fields });
      continue;
    }
    const personFields = Object.fromEntries(Object.entries(fields).filter(([k]) => !DUTY_FIELDS.has(k)));
    const dutyFields = Object.fromEntries(Object.entries(fields).filter(([k]) => DUTY_FIELDS.has(k)));
    const duties: RawRecord[] = Object.keys(dutyFields).length > 0 ? [{ loc, fields: dutyFields }] : [];
    raw.people.push({ loc, fields: personFields, duties });
  }
}

/**
 * The text a cell shows, for any value exceljs reads: rich text, hyperlinks and formula results as their text; a
 * time-only cell (Excel turns 18:00 into a fraction of a day) as HH:mm.
 */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) {
    if (value.getUTCFullYear() < 1900) {
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`;
    }
    return value.toISOString().slice(0, 10);
  }
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("hyperlink" in value) return typeof value.text === "string" ? value.text : cellText(value.text);
  if ("result" in value) return cellText(value.result as CellValue);
  if ("error" in value) return "";
  return "";
}
