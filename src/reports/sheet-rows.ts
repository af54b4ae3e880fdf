/**
 * Table rows written straight into the XML of a sheet of exceljs's streaming writer, exactly as its `row.commit()`
 * writes them (row-xform and cell-xform of exceljs 4.4), without its Row and Cell objects: those cost more than the
 * rest of a ledger row together, and a ledger of 100,000 issues and 450,000 events writes 6.5 million cells.
 *
 * Takes the values the ledger's cells hold: empty, numbers, text, dates and hyperlinks ({ text, hyperlink }). Styles
 * are registered with the workbook as exceljs registers them (by style object, with the cell's type), hyperlinks
 * through the sheet's relationships writer, as exceljs does. This reaches into exceljs 4.4's streaming writer in the
 * places {@link StreamingSheet} names; test/reports/sheet-rows.test.ts compares the XML with exceljs's own, byte for
 * byte, so a change there fails loudly.
 */

import type { CellValue, Style, Worksheet } from "exceljs";

/** exceljs's cell types (Enums.ValueType) of the values written here. */
const NULL = 0;
const NUMBER = 2;
const STRING = 3;
const DATE = 4;
const HYPERLINK = 5;

/** The parts of exceljs's streaming sheet this module uses. */
interface StreamingSheet {
  _workbook: { styles: { addStyleModel(style: Partial<Style>, cellType: number): number } };
  _sheetRelsWriter: { addHyperlink(link: { address: string; target: string }): void };
  /** The number of the next row exceljs may write; rows below it are committed. */
  _rowZero: number;
  /** Rows exceljs holds that are not committed yet. */
  _rows: unknown[];
  stream: { write(xml: string): unknown };
}

const MS_PER_DAY = 86_400_000;
/** Excel's serial number of 1970-01-01 (exceljs's dateToExcel, 1900 date system). */
const EXCEL_EPOCH_DAYS = 25_569;

/** One row to write: its number, a value and a style per column from A, and its height when set. */
export interface SheetRow {
  number: number;
  values: CellValue[];
  styles: Partial<Style>[];
  height?: number | undefined;
}

/** Writes table rows into a sheet of exceljs's streaming writer, after the rows exceljs has committed. */
export class SheetRows {
  private readonly sheet: StreamingSheet;
  private readonly letters: string[] = [];

  constructor(sheet: Worksheet) {
    this.sheet = sheet as unknown as StreamingSheet;
  }

  /** Writes `row`; it must come after every row written so far, and exceljs must hold no row uncommitted. */
  write(row: SheetRow): void {
    const sheet = this.sheet;
    if (row.number < sheet._rowZero || sheet._rows.length > 0) {
      throw new Error(`row ${row.number} cannot be written after the rows exceljs holds`);
    }
    const styles = sheet._workbook.styles;
    const count = row.values.length;
    let xml = `<row r="${row.number}"`;
    if (row.height) xml += ` ht="${row.height}" customHeight="1"`;
    if (count > 0) xml += ` spans="1:${count}"`;
    xml += ' x14ac:dyDescent="0.25"';
    let open = true;
    let hasValues = false;
    for (let i = 0; i < count; i++) {
      const value = row.values[i] ?? null;
      const address = `${this.letter(i)}${row.number}`;
      const type = cellType(value);
      const styleId = styles.addStyleModel(row.styles[i] ?? {}, type);
      if (type === NULL && !styleId) continue;
      if (open) {
        xml += ">";
        open = false;
      }
      if (type === NULL) {
        xml += `<c r="${address}" s="${styleId}"/>`;
        continue;
      }
      hasValues = true;
      xml += `<c r="${address}"`;
      if (styleId) xml += ` s="${styleId}"`;
      if (type === NUMBER) xml += `><v>${xmlText(String(value))}</v></c>`;
      else if (type === DATE) xml += `><v>${EXCEL_EPOCH_DAYS + (value as Date).getTime() / MS_PER_DAY}</v></c>`;
      else if (type === STRING) xml += ` t="str"><v>${xmlText(value as string)}</v></c>`;
      else {
        const link = value as { text: string; hyperlink: string };
        sheet._sheetRelsWriter.addHyperlink({ address, target: link.hyperlink });
        xml += ` t="str"><v>${xmlText(String(link.text))}</v></c>`;
      }
    }
    xml += open ? "/>" : "</row>";
    // exceljs leaves out a row with neither a value nor a height.
    if (hasValues || row.height) sheet.stream.write(xml);
    sheet._rowZero = row.number + 1;
  }

  /** The column letters of the 0-based column `index` (A, …, Z, AA, …). */
  private letter(index: number): string {
    let name = this.letters[index];
    if (name === undefined) {
      name = "";
      for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
        name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
      this.letters[index] = name;
    }
    return name;
  }
}

function cellType(value: CellValue): number {
  if (value === null || value === undefined) return NULL;
  if (typeof value === "number") return NUMBER;
  if (typeof value === "string") return STRING;
  if (value instanceof Date) return DATE;
  if (typeof value === "object" && "hyperlink" in value && "text" in value && value.text && value.hyperlink) {
    return HYPERLINK;
  }
  throw new TypeError(`a ledger cell cannot hold ${typeof value}`);
}

const XML_ESCAPES: Record<number, string> = { 34: "&quot;", 38: "&amp;", 39: "&apos;", 60: "&lt;", 62: "&gt;" };

/** Text as exceljs's xmlEncode writes it: the five XML specials escaped, control characters XML forbids dropped. */
function xmlText(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const forbidden = code === 127 || code <= 8 || code === 11 || code === 12 || (code >= 14 && code <= 31);
    const replacement = forbidden ? "" : XML_ESCAPES[code];
    if (replacement === undefined) continue;
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
