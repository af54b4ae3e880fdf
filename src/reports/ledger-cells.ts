/**
 * Cell-level helpers for the ledger workbook: shared style objects, value conversions and row-height estimates.
 * Kept apart from the sheet layout so the layout reads as a list of columns.
 */

import type { CellHyperlinkValue, CellValue, Style } from "exceljs";
import { photoHeader, photoLine, yesNo } from "../texts/ledger.ts";
import type { WallClock } from "./ledger-time.js";

/** Number format for every date cell ("yyyy-mm-dd hh:mm", as the ledger's users expect). */
export const DATE_FORMAT = "yyyy-mm-dd hh:mm";
/** Number format for response hours: one decimal. */
export const HOURS_FORMAT = "0.0";
/** Fill colour (ARGB) of overdue issue rows: Excel's standard light red. */
export const OVERDUE_FILL_ARGB = "FFFFC7CE";
/** Fill colour (ARGB) of header rows: a light blue. */
export const HEADER_FILL_ARGB = "FFDDEBF7";

/** Excel refuses cells longer than this many characters. */
const MAX_CELL_CHARS = 32_767;
/** Default row height in points (Calibri 11, which Excel also uses for the CJK fallback font). */
const LINE_HEIGHT = 15;
/** Rows never grow beyond this many lines; longer text stays readable in the formula bar. */
const MAX_LINES = 10;

/** How a column's cells look. */
export type CellKind = "text" | "wrap" | "center" | "int" | "hours" | "date" | "link" | "figure";

const FONT = { name: "Calibri", size: 11 } as const;
const BORDER_COLOR = { argb: "FFBFBFBF" };
const THIN = { style: "thin", color: BORDER_COLOR } as const;
const BORDER: Style["border"] = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function solidFill(argb: string): Style["fill"] {
  return { type: "pattern", pattern: "solid", fgColor: { argb } };
}

function bodyStyle(kind: CellKind, fill: Style["fill"] | undefined): Partial<Style> {
  const style: Partial<Style> = { font: FONT, border: BORDER, alignment: { vertical: "top" } };
  switch (kind) {
    case "wrap":
      style.alignment = { vertical: "top", wrapText: true };
      break;
    case "center":
      style.alignment = { vertical: "top", horizontal: "center" };
      break;
    case "int":
      style.numFmt = "0";
      break;
    case "hours":
      style.numFmt = HOURS_FORMAT;
      break;
    case "date":
      style.numFmt = DATE_FORMAT;
      break;
    case "link":
      style.font = { ...FONT, color: { argb: "FF0563C1" }, underline: true };
      break;
    case "figure":
      style.alignment = { vertical: "top", horizontal: "right" };
      break;
    case "text":
      break;
  }
  if (fill) style.fill = fill;
  return style;
}

const KINDS: readonly CellKind[] = ["text", "wrap", "center", "int", "hours", "date", "link", "figure"];

/**
 * Shared style objects, one per cell kind, plain and highlighted. exceljs caches a style's id by object identity,
 * so reusing these objects keeps the per-cell cost of styling at a map lookup.
 */
export const STYLES: { plain: Record<CellKind, Partial<Style>>; overdue: Record<CellKind, Partial<Style>> } = {
  plain: Object.fromEntries(KINDS.map((k) => [k, bodyStyle(k, undefined)])) as Record<CellKind, Partial<Style>>,
  overdue: Object.fromEntries(KINDS.map((k) => [k, bodyStyle(k, solidFill(OVERDUE_FILL_ARGB))])) as Record<
    CellKind,
    Partial<Style>
  >,
};

/** Style of header cells: bold on a light fill, centred and wrapped. */
export const HEADER_STYLE: Partial<Style> = {
  font: { ...FONT, bold: true },
  fill: solidFill(HEADER_FILL_ARGB),
  border: BORDER,
  alignment: { vertical: "middle", horizontal: "center", wrapText: true },
};

/** Cover-sheet styles. */
export const COVER_STYLES = {
  title: { font: { ...FONT, size: 16, bold: true }, alignment: { vertical: "middle", horizontal: "center" } },
  label: {
    font: { ...FONT, bold: true },
    fill: solidFill(HEADER_FILL_ARGB),
    border: BORDER,
    alignment: { vertical: "top" },
  },
  value: { font: FONT, border: BORDER, alignment: { vertical: "top", horizontal: "left", wrapText: true } },
  date: { font: FONT, border: BORDER, numFmt: DATE_FORMAT, alignment: { vertical: "top", horizontal: "left" } },
  section: { font: { ...FONT, size: 12, bold: true }, alignment: { vertical: "middle" } },
  note: { font: FONT, alignment: { vertical: "top", wrapText: true } },
} satisfies Record<string, Partial<Style>>;

/** Clamps a string to what an Excel cell can hold; empty strings become empty cells. */
export function textCell(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS - 1)}…` : value;
}

/** An instant as a wall-clock date cell (see ledger-time.ts); missing or invalid dates become empty cells. */
export function dateCell(value: Date | null | undefined, wallClock: WallClock): Date | null {
  if (!value || Number.isNaN(value.getTime())) return null;
  return wallClock(value);
}

/**
 * An instant as text on two lines, "2026-11-20" over "18:00", for the narrow date columns of 打印版 (a date cell
 * would show ### rather than wrap); missing or invalid dates become empty cells.
 */
export function printDateCell(value: Date | null | undefined, wallClock: WallClock): string | null {
  const local = dateCell(value, wallClock);
  return local ? local.toISOString().slice(0, 16).replace("T", "\n") : null;
}

/** A finite number, or an empty cell. */
export function numberCell(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Response hours rounded to the one decimal that is shown, so sums and filters match the display. */
export function hoursCell(value: number | null | undefined): number | null {
  const n = numberCell(value);
  return n === null ? null : Math.round(n * 10) / 10;
}

/** 是/否 for a flag. */
export function flagCell(value: boolean): string {
  return yesNo(value);
}

/**
 * A photo as a hyperlink cell showing its label. Absolute http(s) links (normalised, so spaces and Chinese characters
 * are percent-encoded as Excel and WPS require) and relative links to a file in a folder beside the workbook (e.g.
 * 照片/1024-整改前.jpg, which Excel and WPS open relative to where the workbook lies) become hyperlinks; anything else
 * is written as plain text so the file never carries a link to some other local file or a script.
 */
export function photoCell(photo: { label: string; href: string } | undefined, index: number): CellValue {
  if (!photo) return null;
  const text = textCell(photo.label.trim()) ?? photoHeader(index + 1);
  const href = safeHref(photo.href);
  if (!href) return textCell(photo.href.trim() ? photoLine(text, photo.href.trim()) : text);
  const value: CellHyperlinkValue = { text, hyperlink: href };
  return value;
}

/** Excel rejects hyperlink targets longer than this. */
const MAX_HREF_CHARS = 2079;

/**
 * The link Excel should hold for `href`, or null when it may not be a link: an absolute http(s) URL (normalised), or
 * a relative path that stays below the workbook's folder — segments without "..", drive letters, backslashes or "#"
 * (which Excel reads as a place inside the file) — kept as written.
 */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (trimmed === "") return null;
  if (isRelativeFileLink(trimmed)) return trimmed.length <= MAX_HREF_CHARS ? trimmed : null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.href.length <= MAX_HREF_CHARS ? url.href : null;
}

function isRelativeFileLink(href: string): boolean {
  const segments = href.split("/");
  return (
    segments.length > 1 &&
    segments.every((segment) => segment !== "" && segment !== "." && segment !== ".." && !/[\\:#?*"<>|]/.test(segment))
  );
}

/** Display width of text in Excel column-width units: CJK and full-width characters take about two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    width += isWide(cp) ? 2.2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x1f300
  );
}

/** How many lines `text` wraps to in a column `width` units wide. */
export function wrappedLines(text: string | null, width: number): number {
  if (!text) return 1;
  const usable = Math.max(1, width - 1);
  let lines = 0;
  for (const segment of text.split("\n")) {
    lines += Math.max(1, Math.ceil(displayWidth(segment) / usable));
    if (lines >= MAX_LINES) return MAX_LINES;
  }
  return lines;
}

/**
 * Row height (points) that shows `lines` wrapped lines, or undefined for a single line. Excel and WPS do not
 * reliably re-fit row heights when they open a file, so rows with wrapped text get an explicit height.
 */
export function rowHeight(lines: number): number | undefined {
  const n = Math.min(lines, MAX_LINES);
  return n > 1 ? n * LINE_HEIGHT + 2 : undefined;
}
