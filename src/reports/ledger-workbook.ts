/**
 * The 台账 (ledger) workbook: an .xlsx with a cover, one row per issue, every history event and a per-grid
 * summary (behaviour §9). Presentation only: the caller queries the data, maps codes to Chinese labels and
 * formats the rate strings; this module lays them out.
 *
 * The workbook is written with exceljs's streaming writer so a ledger of 100,000 issues never sits in memory.
 * That writer appends each sheet to the zip as one entry, and zip entries are written one after another, so the
 * sheets are produced strictly in order, each committed before the next is created:
 *   封面 (all its figures are in the input up front) → 打印版 (the issues a first time) → 问题台账 (a second time)
 *   → 处置记录 → 网格汇总.
 * A sheet created while another is still open would have its rows buffered in memory until the first finished.
 *
 * Printing: every sheet is A4 landscape, one page wide, the table sheets repeat their header row on each page and
 * number their pages; the cover fits one page. The 22 columns of 问题台账 are too many to read on paper, so 打印版
 * has the ten an inspection reads — wrapped, in widths that fit A4 — and the before and after photos as thumbnails
 * (for the first {@link PRINT_THUMBNAIL_ISSUES} issues, when the photos lie beside a workbook written to a file).
 */

import { type EventEmitter, once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Stream } from "node:stream";
import type ExcelJS from "exceljs";
import type { CellValue, HeaderFooter, PageSetup, Style, Worksheet } from "exceljs";
import { DURATION_KINDS, type DurationKind, type HeadCounts } from "../domain/metrics.ts";
import {
  averageLabel,
  COVER_LABELS,
  LEDGER_HEADERS as H,
  hoursHeader,
  LEDGER_AUTHOR,
  LEDGER_PAGE_FOOTER,
  LEDGER_SHEET_NAMES,
  ledgerTitle,
  medianLabel,
  photoHeader,
  photoLine,
  printPageHeader,
  sheetGuide,
  timeZoneName,
  timeZoneNote,
} from "../texts/ledger.ts";
import { TEXTS } from "../texts/messages.ts";
import { INDICATOR_KEYS, INDICATOR_LABELS, type IndicatorKey } from "../texts/stats.ts";
import {
  type CellKind,
  COVER_STYLES,
  dateCell,
  flagCell,
  HEADER_STYLE,
  hoursCell,
  numberCell,
  photoCell,
  printDateCell,
  rowHeight,
  STYLES,
  safeHref,
  textCell,
  wrappedLines,
} from "./ledger-cells.js";
import { createWallClock, type WallClock } from "./ledger-time.js";
import { photoThumbnail } from "./photo-thumbnail.ts";
import { SheetPictures } from "./sheet-pictures.ts";
import { type SheetRow, SheetRows } from "./sheet-rows.ts";

/** One issue, with every code already mapped to its Chinese label by the caller. */
export interface LedgerIssueRow {
  number: number;
  foundAt: Date;
  community: string;
  grid: string;
  point: string;
  category: string;
  /** 动态指标 / 静态指标 */
  kind: string;
  /** 工程 / 整治 / 执法 / 管理 */
  class: string;
  description: string;
  reporter: string;
  assignee: string;
  deadline: Date | null;
  /** At the observation instant, e.g. 整改中 */
  status: string;
  rectifiedAt: Date | null;
  closedAt: Date | null;
  /** 响应用时, 整改用时 and 办结用时 in hours; null where the step has not happened. */
  hours: Record<DurationKind, number | null>;
  overdue: boolean;
  rebound: boolean;
  /** Extensions approved (延期次数), and while parked at the observation instant its 挂账/缓办 line (behaviour §9.8). */
  extensions: number;
  parked: string;
  /** The time limit in its unit ("2工作时"), empty without a category (behaviour §9.9). */
  limit: string;
  /** Photo links in display order; `label` is what the cell shows (e.g. 整改前, 整改后). */
  photos: LedgerPhoto[];
}

/** A photo of an issue: its stage, what its cell shows, and its link (relative to the workbook's folder, or http). */
export interface LedgerPhoto {
  stage: "before" | "after";
  label: string;
  href: string;
}

/** One history event of an issue, already in Chinese. */
export interface LedgerEventRow {
  issueNumber: number;
  at: Date;
  /** The step, e.g. 上报, 派单, 整改, 验收 */
  type: string;
  actor: string;
  /** Status label before the event (empty when none). */
  from: string;
  /** Status label after the event. */
  to: string;
  reason: string;
  /** The fields the event moved, before and after, e.g. "类别：堆物堆料 → 占道经营". */
  changes: string;
}

/** Summary figures of one grid. */
export interface LedgerGridRow {
  community: string;
  grid: string;
  found: number;
  rectified: number;
  open: number;
  overdue: number;
  /** Already formatted, e.g. "93.2%". */
  rate: string;
  /** Average 整改用时, already formatted, e.g. "1.3 天". */
  avgRectification: string;
}

/** The 考核指标 of one unit, each already formatted (rates as "75%", 综合指标值 as "86.7"). */
export interface LedgerIndicatorRow {
  unit: string;
  values: Record<IndicatorKey, string>;
}

/** Everything the ledger shows. The issues and events are pulled one at a time as rows are written. */
export interface LedgerInput {
  /** The unit the ledger covers, e.g. 幸福街道. */
  unitName: string;
  /** e.g. "2026-11-01 至 2026-11-30". */
  periodLabel: string;
  generatedAt: Date;
  /** The instant open, awaiting verification and overdue are judged at (the period's end, or now if earlier). */
  observedAt: Date;
  /** IANA zone every time is shown in, normally "Asia/Shanghai". */
  timeZone: string;
  /** Metric definitions for the cover sheet, one line each (整改率 = …). */
  definitions: string[];
  /** Unit-level figures; the rate and the durations are already formatted. */
  summary: HeadCounts & {
    rebound: number;
    rate: string;
    durations: Record<DurationKind, { average: string; median: string }>;
  };
  /** The issues for 打印版, then the same issues again for 问题台账 (each iterable is read once). */
  printIssues: AsyncIterable<LedgerIssueRow>;
  issues: AsyncIterable<LedgerIssueRow>;
  events: AsyncIterable<LedgerEventRow>;
  grids: LedgerGridRow[];
  /** The unit's 考核指标, then those of the units directly under it. */
  indicators: LedgerIndicatorRow[];
}

/** Counts of the rows written. */
export interface LedgerResult {
  issues: number;
  events: number;
}

/** Progress of a running export, reported after each issue or event row is written. */
export interface LedgerProgress {
  sheet: "print" | "issues" | "events";
  rows: number;
}

/** Optional hooks for {@link writeLedgerWorkbook}. */
export interface LedgerWriteOptions {
  /** Called after every issue or event row has been written (e.g. for a CLI progress line). */
  onProgress?: (progress: LedgerProgress) => void;
}

/** How many rows are written between pauses that let the zip compressor and the output stream drain. */
const ROWS_PER_PAUSE = 200;
/** Bytes of sheet XML allowed to wait for the compressor before writing pauses. */
const MAX_BACKLOG = 4 * 1024 * 1024;

interface ColumnSpec<R> {
  header: string;
  width: number;
  kind: CellKind;
  value: (row: R, wallClock: WallClock) => CellValue;
}

/** Photos with a clickable column of their own (照片1..照片3); any further ones are listed in 其余照片. */
const PHOTO_COLUMNS = 3;
const DESCRIPTION_WIDTH = 40;
const MORE_PHOTOS_WIDTH = 36;
const REASON_WIDTH = 48;

/*
 * Photos: a cell holds at most one hyperlink in both Excel and WPS (a "rich" cell with several links is not
 * something either can store), so each of the first three photos gets its own clickable column 照片1..照片3,
 * showing the photo's label. Issues rarely have more (a before and an after photo is typical); any further
 * photos are listed as "label：URL" lines in 其余照片 so nothing is lost, even though those are not clickable.
 */
const ISSUE_COLUMNS: ColumnSpec<LedgerIssueRow>[] = [
  { header: H.number, width: 8, kind: "int", value: (r) => numberCell(r.number) },
  { header: H.foundAt, width: 17, kind: "date", value: (r, w) => dateCell(r.foundAt, w) },
  { header: H.community, width: 12, kind: "text", value: (r) => textCell(r.community) },
  { header: H.grid, width: 14, kind: "text", value: (r) => textCell(r.grid) },
  { header: H.point, width: 16, kind: "text", value: (r) => textCell(r.point) },
  { header: H.category, width: 12, kind: "text", value: (r) => textCell(r.category) },
  { header: H.kind, width: 10, kind: "center", value: (r) => textCell(r.kind) },
  { header: H.class, width: 10, kind: "center", value: (r) => textCell(r.class) },
  { header: H.description, width: DESCRIPTION_WIDTH, kind: "wrap", value: (r) => textCell(r.description) },
  { header: H.reporter, width: 10, kind: "text", value: (r) => textCell(r.reporter) },
  { header: H.assignee, width: 10, kind: "text", value: (r) => textCell(r.assignee) },
  { header: H.deadline, width: 17, kind: "date", value: (r, w) => dateCell(r.deadline, w) },
  { header: H.status, width: 10, kind: "center", value: (r) => textCell(r.status) },
  { header: H.rectifiedAt, width: 17, kind: "date", value: (r, w) => dateCell(r.rectifiedAt, w) },
  { header: H.closedAt, width: 17, kind: "date", value: (r, w) => dateCell(r.closedAt, w) },
  ...DURATION_KINDS.map(
    (kind): ColumnSpec<LedgerIssueRow> => ({
      header: hoursHeader(kind),
      width: 12,
      kind: "hours",
      value: (r) => hoursCell(r.hours[kind]),
    }),
  ),
  { header: H.overdue, width: 10, kind: "center", value: (r) => flagCell(r.overdue) },
  { header: H.rebound, width: 10, kind: "center", value: (r) => flagCell(r.rebound) },
  ...Array.from(
    { length: PHOTO_COLUMNS },
    (_, i): ColumnSpec<LedgerIssueRow> => ({
      header: photoHeader(i + 1),
      width: 12,
      kind: "link",
      value: (r) => photoCell(r.photos[i], i),
    }),
  ),
  { header: H.morePhotos, width: MORE_PHOTOS_WIDTH, kind: "wrap", value: (r) => morePhotos(r) },
  { header: H.extensions, width: 10, kind: "int", value: (r) => numberCell(r.extensions) },
  { header: H.parked, width: 24, kind: "wrap", value: (r) => textCell(r.parked) },
  { header: H.limit, width: 10, kind: "center", value: (r) => textCell(r.limit) },
];

const EVENT_COLUMNS: ColumnSpec<LedgerEventRow>[] = [
  { header: H.issueNumber, width: 10, kind: "int", value: (r) => numberCell(r.issueNumber) },
  { header: H.at, width: 17, kind: "date", value: (r, w) => dateCell(r.at, w) },
  { header: H.step, width: 12, kind: "center", value: (r) => textCell(r.type) },
  { header: H.actor, width: 12, kind: "text", value: (r) => textCell(r.actor) },
  { header: H.from, width: 10, kind: "center", value: (r) => textCell(r.from) },
  { header: H.to, width: 10, kind: "center", value: (r) => textCell(r.to) },
  { header: H.reason, width: REASON_WIDTH, kind: "wrap", value: (r) => textCell(r.reason) },
  { header: H.changes, width: REASON_WIDTH, kind: "wrap", value: (r) => textCell(r.changes) },
];

const GRID_COLUMNS: ColumnSpec<LedgerGridRow>[] = [
  { header: H.community, width: 14, kind: "text", value: (r) => textCell(r.community) },
  { header: H.grid, width: 16, kind: "text", value: (r) => textCell(r.grid) },
  { header: H.found, width: 10, kind: "int", value: (r) => numberCell(r.found) },
  { header: H.rectified, width: 10, kind: "int", value: (r) => numberCell(r.rectified) },
  { header: H.open, width: 10, kind: "int", value: (r) => numberCell(r.open) },
  { header: H.overdueCount, width: 10, kind: "int", value: (r) => numberCell(r.overdue) },
  { header: H.rate, width: 10, kind: "figure", value: (r) => textCell(r.rate) },
  {
    header: averageLabel("rectification"),
    width: 14,
    kind: "figure",
    value: (r) => textCell(r.avgRectification),
  },
];

const INDICATOR_COLUMNS: ColumnSpec<LedgerIndicatorRow>[] = [
  { header: H.unit, width: 16, kind: "text", value: (r) => textCell(r.unit) },
  ...INDICATOR_KEYS.map(
    (key): ColumnSpec<LedgerIndicatorRow> => ({
      header: INDICATOR_LABELS[key],
      width: 11,
      kind: "figure",
      value: (r) => textCell(r.values[key]),
    }),
  ),
];

/** Issues of 打印版 whose photos are shown as thumbnails; later ones keep their photo links. */
export const PRINT_THUMBNAIL_ISSUES = 200;
/** Issues 打印版 lists (some 150 pages); a larger ledger is read in 问题台账, or exported for a shorter period. */
export const PRINT_MAX_ISSUES = 1_000;
/** A thumbnail on paper, and its inset from the cell's corner. */
const THUMBNAIL_CM = { widthCm: 2.8, heightCm: 2.1, offsetCm: 0.12 };
/** Height of a 打印版 row with thumbnails: the picture and its insets, in points. */
const THUMBNAIL_ROW_PT = Math.ceil(((THUMBNAIL_CM.heightCm + 2 * THUMBNAIL_CM.offsetCm) / 2.54) * 72);
const PRINT_PHOTO_WIDTH = 16;
const PRINT_DESCRIPTION_WIDTH = 26;
const PRINT_PLACE_WIDTH = 14;
/** The cover's value column. */
const COVER_VALUE_WIDTH = 66;

/** The photo of a stage an issue's 打印版 row shows: the first one. */
function firstPhoto(row: LedgerIssueRow, stage: LedgerPhoto["stage"]): LedgerPhoto | undefined {
  return row.photos.find((p) => p.stage === stage);
}

/**
 * 打印版: the ten columns an inspection reads (dates on two lines, places on three, so each fits A4's width), and
 * 整改前 / 整改后 with the thumbnails (or, without one, the photo's link).
 */
const PRINT_COLUMNS: ColumnSpec<LedgerIssueRow>[] = [
  { header: H.number, width: 7, kind: "int", value: (r) => numberCell(r.number) },
  { header: H.foundAt, width: 11, kind: "wrap", value: (r, w) => printDateCell(r.foundAt, w) },
  {
    header: H.place,
    width: PRINT_PLACE_WIDTH,
    kind: "wrap",
    value: (r) => textCell([r.community, r.grid, r.point].filter(Boolean).join("\n")),
  },
  { header: H.category, width: 10, kind: "wrap", value: (r) => textCell(r.category) },
  { header: H.description, width: PRINT_DESCRIPTION_WIDTH, kind: "wrap", value: (r) => textCell(r.description) },
  { header: H.assignee, width: 9, kind: "wrap", value: (r) => textCell(r.assignee) },
  { header: H.deadline, width: 11, kind: "wrap", value: (r, w) => printDateCell(r.deadline, w) },
  { header: H.status, width: 8, kind: "center", value: (r) => textCell(r.status) },
  { header: H.rectifiedAt, width: 11, kind: "wrap", value: (r, w) => printDateCell(r.rectifiedAt, w) },
  { header: H.closedAt, width: 11, kind: "wrap", value: (r, w) => printDateCell(r.closedAt, w) },
  ...(["before", "after"] as const).map(
    (stage): ColumnSpec<LedgerIssueRow> => ({
      header: H[stage],
      width: PRINT_PHOTO_WIDTH,
      kind: "link",
      value: (r) => photoCell(firstPhoto(r, stage), 0),
    }),
  ),
];

function morePhotos(row: LedgerIssueRow): string | null {
  const rest = row.photos.slice(PHOTO_COLUMNS);
  if (rest.length === 0) return null;
  return textCell(
    rest.map((p, i) => photoLine(p.label.trim() || photoHeader(PHOTO_COLUMNS + i + 1), p.href.trim())).join("\n"),
  );
}

/**
 * Writes the ledger workbook to a file path or a writable stream and resolves when it is complete, with the
 * number of issue and event rows written. A stream is ended when the workbook is done.
 *
 * `input.issues` and `input.events` are consumed lazily, one row at a time, each row committed to the output
 * before the next is pulled (issues first, then events); the table rows go straight into the sheet's XML
 * (sheet-rows.ts). Memory stays flat whatever the row count, except for photo hyperlinks: the xlsx format lists a
 * sheet's links after its rows and their targets in a part that follows the sheet, so until 问题台账 is finished
 * each link's cell is held as three numbers (CompactHyperlinks) and its relationship's XML (about 200 bytes) waits
 * in exceljs's buffer for that part, outside the V8 heap (100,000 issues with their 182,000 photos: ~35 MB).
 *
 * On failure (a throwing iterable, an output error) the promise rejects with that error; a file written to a
 * path is removed, and a caller's stream is destroyed (without an error of its own), since a partial .xlsx is
 * unreadable.
 */
export async function writeLedgerWorkbook(
  target: string | NodeJS.WritableStream,
  input: LedgerInput,
  options: LedgerWriteOptions = {},
): Promise<LedgerResult> {
  // Fails fast (RangeError) on an unknown zone, before anything is created.
  const wallClock = createWallClock(input.timeZone);
  const { default: Excel } = await import("exceljs");
  const ownStream = typeof target === "string";
  const output: NodeJS.WritableStream = ownStream ? createWriteStream(target) : target;

  // The output may fail at any time (disk full, closed socket); remember the first error and stop at the next
  // pause instead of crashing on an unhandled 'error' event or writing into a dead pipe.
  let outputError: unknown;
  let rejectFailed: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => {});
  const onError = (error: unknown) => {
    outputError ??= error;
    rejectFailed(error);
  };
  output.on("error", onError);

  const pause = async (sheet: Worksheet) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      if (outputError !== undefined) throw outputError;
      if (!(await waitForBacklog(sheet))) return;
    }
  };

  try {
    const workbook = new Excel.stream.xlsx.WorkbookWriter({
      stream: output as unknown as Stream,
      useStyles: true,
      // Inline strings: shared strings would keep every distinct text in memory until the end.
      useSharedStrings: false,
    });
    workbook.creator = LEDGER_AUTHOR;
    workbook.lastModifiedBy = LEDGER_AUTHOR;
    workbook.created = input.generatedAt;
    workbook.modified = input.generatedAt;

    writeCover(workbook.addWorksheet(LEDGER_SHEET_NAMES.cover, { pageSetup: COVER_PAGE }), input, wallClock);

    const print = addTableSheet(workbook, LEDGER_SHEET_NAMES.print, PRINT_COLUMNS, printHeader(input));
    const pictures = new SheetPictures(workbook, print);
    // Thumbnails are made from the photos copied beside a workbook written to a file.
    const photoDir = ownStream ? dirname(target) : null;
    await writeTable(print, PRINT_COLUMNS, input.printIssues, wallClock, {
      highlight: (r) => r.overdue,
      height: (r) =>
        rowHeight(
          Math.max(
            wrappedLines(r.description, PRINT_DESCRIPTION_WIDTH),
            wrappedLines([r.community, r.grid, r.point].filter(Boolean).join("\n"), PRINT_PLACE_WIDTH),
          ),
        ),
      progress: (rows) => options.onProgress?.({ sheet: "print", rows }),
      pause,
      beforeCommit: (item, row, index) =>
        index < PRINT_THUMBNAIL_ISSUES && photoDir !== null
          ? placeThumbnails(pictures, photoDir, item, row)
          : undefined,
      beforeSheetCommit: () => pictures.finish(),
      limit: PRINT_MAX_ISSUES,
    });

    const issues = await writeTable(
      addTableSheet(workbook, LEDGER_SHEET_NAMES.issues, ISSUE_COLUMNS),
      ISSUE_COLUMNS,
      input.issues,
      wallClock,
      {
        highlight: (r) => r.overdue,
        height: (r) =>
          rowHeight(
            Math.max(wrappedLines(r.description, DESCRIPTION_WIDTH), wrappedLines(morePhotos(r), MORE_PHOTOS_WIDTH)),
          ),
        progress: (rows) => options.onProgress?.({ sheet: "issues", rows }),
        pause,
      },
    );

    const events = await writeTable(
      addTableSheet(workbook, LEDGER_SHEET_NAMES.events, EVENT_COLUMNS),
      EVENT_COLUMNS,
      input.events,
      wallClock,
      {
        height: (r) => rowHeight(wrappedLines(r.reason, REASON_WIDTH)),
        progress: (rows) => options.onProgress?.({ sheet: "events", rows }),
        pause,
      },
    );

    writeGridSummary(addTableSheet(workbook, LEDGER_SHEET_NAMES.grids, GRID_COLUMNS), input, wallClock);
    const indicators = addTableSheet(workbook, LEDGER_SHEET_NAMES.indicators, INDICATOR_COLUMNS);
    writeRows(indicators, INDICATOR_COLUMNS, input.indicators, wallClock);
    indicators.commit();

    await Promise.race([workbook.commit(), failed]);
    if (outputError !== undefined) throw outputError;
    if (ownStream) await closed(output);
    return { issues, events };
  } catch (error) {
    (output as NodeJS.WritableStream & { destroy?: () => void }).destroy?.();
    if (ownStream) {
      await closed(output).catch(() => {});
      await rm(target, { force: true });
    }
    throw error;
  } finally {
    // Our own file stream keeps the listener: nobody else would catch a late error from the abandoned zip.
    if (!ownStream) output.off("error", onError);
  }
}

/** Resolves once a file stream has released its descriptor. */
async function closed(stream: NodeJS.WritableStream): Promise<void> {
  const s = stream as NodeJS.WritableStream & { closed?: boolean };
  if (s.closed) return;
  await once(stream as unknown as EventEmitter, "close");
}

/** The parts of exceljs's internal sheet stream (a StreamBuf piped into the zip) that reveal its backlog. */
interface SheetStreamInternals {
  pipes?: {
    _writableState?: { length?: number };
    writableLength?: number;
    once?: (event: "drain", listener: () => void) => unknown;
    off?: (event: "drain", listener: () => void) => unknown;
  }[];
}

/**
 * exceljs's streaming writer has no backpressure: a committed row is pushed into the zip entry's input buffer
 * whether or not the compressor keeps up, and when rows come faster than deflate (any in-memory or fast source)
 * that buffer grows with the sheet, about 1 KB per row. So every few hundred rows we look at the buffer through
 * the writer's internals and, while it holds more than MAX_BACKLOG bytes, wait for it to drain (on 'drain' or a
 * short timer, whichever comes first). Resolves to true when it waited, so the caller re-checks for output errors
 * and the backlog again; if the internals ever change shape, this quietly does nothing.
 */
async function waitForBacklog(sheet: Worksheet): Promise<boolean> {
  const pipe = (sheet as unknown as { stream?: SheetStreamInternals }).stream?.pipes?.[0];
  const queued = pipe?._writableState?.length ?? pipe?.writableLength ?? 0;
  if (!pipe || queued <= MAX_BACKLOG) return false;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pipe.off?.("drain", done);
      resolve();
    };
    const timer = setTimeout(done, 5);
    pipe.once?.("drain", done);
  });
  return true;
}

type Book = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

/** A hyperlink as exceljs's streaming writer keeps it until the sheet is committed: its cell and relationship id. */
interface SheetHyperlink {
  address: string;
  rId: string;
}

/**
 * exceljs's streaming writer keeps every hyperlink of a sheet as an object of two strings until the sheet is
 * committed, when it writes them after the rows, and the committed sheet keeps them as long as the workbook: about
 * 100 bytes of heap per link, 18 MB for 100,000 issues with their photos. This list stands in for the sheet
 * relationships writer's `_hyperlinks` (which exceljs pushes to, and reads through length and forEach when it writes
 * them) and keeps each link as three numbers, giving back the same objects, so the XML written is the same.
 */
class CompactHyperlinks {
  private readonly columnNames: string[] = [];
  private readonly columnIndex = new Map<string, number>();
  private columns: number[] = [];
  private rows: number[] = [];
  private ids: number[] = [];

  get length(): number {
    return this.rows.length;
  }

  push(link: SheetHyperlink): void {
    const cell = /^([A-Z]+)([1-9][0-9]*)$/.exec(link.address);
    const id = /^rId([1-9][0-9]*)$/.exec(link.rId);
    if (!cell || !id) throw new Error(`unexpected hyperlink ${link.address} ${link.rId}`);
    const name = cell[1] as string;
    let column = this.columnIndex.get(name);
    if (column === undefined) {
      column = this.columnNames.push(name) - 1;
      this.columnIndex.set(name, column);
    }
    this.columns.push(column);
    this.rows.push(Number(cell[2]));
    this.ids.push(Number(id[1]));
  }

  forEach(visit: (link: SheetHyperlink, index: number) => void): void {
    for (let i = 0; i < this.rows.length; i++) {
      visit({ address: `${this.columnNames[this.columns[i] as number]}${this.rows[i]}`, rId: `rId${this.ids[i]}` }, i);
    }
  }

  /** Forgets the links once the sheet has written them. */
  clear(): void {
    this.columns = [];
    this.rows = [];
    this.ids = [];
  }
}

/** The sheet's compact hyperlink list, put in place of exceljs's own; null if its internals ever change shape. */
function compactHyperlinks(sheet: Worksheet): CompactHyperlinks | null {
  const writer = (sheet as unknown as { _sheetRelsWriter?: { _hyperlinks?: unknown } })._sheetRelsWriter;
  if (!writer || !Array.isArray(writer._hyperlinks) || writer._hyperlinks.length > 0) return null;
  const links = new CompactHyperlinks();
  writer._hyperlinks = links;
  return links;
}

/** Margins of every printed page, in inches (Excel's unit): narrow, so A4 holds the columns at a readable size. */
const MARGINS = { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 };
/** A4 (paper size 9) landscape, scaled to one page wide; pages run down as far as the rows go. */
const TABLE_PAGE: Partial<PageSetup> = {
  orientation: "landscape",
  paperSize: 9,
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  printTitlesRow: "1:1",
  margins: MARGINS,
};
/** The cover on one A4 landscape page. */
const COVER_PAGE: Partial<PageSetup> = {
  orientation: "landscape",
  paperSize: 9,
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 1,
  margins: MARGINS,
};
/** 打印版's page header: the unit and period on every page (a literal & is written && in Excel's codes). */
function printHeader(input: LedgerInput): Partial<HeaderFooter> {
  const text = (s: string) => s.replaceAll("&", "&&");
  return {
    oddHeader: printPageHeader(text(input.unitName), text(input.periodLabel)),
    oddFooter: LEDGER_PAGE_FOOTER,
  };
}

/**
 * A table sheet: header row frozen, printed A4 landscape one page wide with the header repeated on every page and
 * the page numbers at the foot (and `headerFooter` when given).
 */
function addTableSheet<R>(
  workbook: Book,
  name: string,
  columns: ColumnSpec<R>[],
  headerFooter: Partial<HeaderFooter> = { oddFooter: LEDGER_PAGE_FOOTER },
): Worksheet {
  const sheet = workbook.addWorksheet(name, {
    // Views are written when the sheet is created, so the frozen pane must be given here.
    views: [{ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2", activeCell: "A2" }],
    pageSetup: TABLE_PAGE,
    headerFooter,
  });
  // Column widths must be set before the first row is committed: they precede the rows in the sheet XML.
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const header = sheet.getRow(1);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.style = HEADER_STYLE;
  });
  header.height = 24;
  header.commit();
  return sheet;
}

interface TableHooks<R> {
  highlight?: (row: R) => boolean;
  height?: (row: R) => number | undefined;
  progress: (rows: number) => void;
  pause: (sheet: Worksheet) => Promise<void>;
  /** Called with each row (0-based index) before it is written, e.g. to place pictures in it. */
  beforeCommit?: (item: R, row: SheetRow, index: number) => Promise<void> | undefined;
  /** Called once every row is written, before the sheet is committed. */
  beforeSheetCommit?: () => void;
  /** At most this many rows; when there are more, a last line says so and the rest are not read. */
  limit?: number;
}

/** Streams rows into a table sheet, then sets its auto-filter over header and data and commits it. */
async function writeTable<R>(
  sheet: Worksheet,
  columns: ColumnSpec<R>[],
  rows: AsyncIterable<R>,
  wallClock: WallClock,
  hooks: TableHooks<R>,
): Promise<number> {
  const links = compactHyperlinks(sheet);
  const writer = new SheetRows(sheet);
  // Each row's styles, one list for each highlight, shared by the rows (the writer only reads them).
  const styles = {
    plain: columns.map((column) => STYLES.plain[column.kind]),
    overdue: columns.map((column) => STYLES.overdue[column.kind]),
  };
  let count = 0;
  let more = false;
  for await (const item of rows) {
    if (hooks.limit !== undefined && count >= hooks.limit) {
      more = true;
      break;
    }
    count += 1;
    const row: SheetRow = {
      number: count + 1,
      values: columns.map((column) => column.value(item, wallClock)),
      styles: hooks.highlight?.(item) ? styles.overdue : styles.plain,
      height: hooks.height?.(item),
    };
    // Awaited only when there is something to wait for: an await per row would cost every row a turn.
    const before = hooks.beforeCommit?.(item, row, count - 1);
    if (before) await before;
    writer.write(row);
    hooks.progress(count);
    if (count % ROWS_PER_PAUSE === 0) await hooks.pause(sheet);
  }
  if (more && hooks.limit !== undefined) {
    // Below the filter range, like a total: sorting the rows leaves it last.
    sheet.mergeCells(count + 2, 1, count + 2, columns.length);
    const note = sheet.getRow(count + 2);
    note.getCell(1).value = TEXTS.printLimited(hooks.limit);
    note.getCell(1).style = COVER_STYLES.note;
    note.commit();
  }
  hooks.beforeSheetCommit?.();
  finishTable(sheet, columns.length, count + 1);
  links?.clear();
  return count;
}

/**
 * Puts the thumbnails of an issue's first before and after photo (copied into `photoDir` beside the workbook) in its
 * 打印版 row, in place of the photos' links, and makes the row tall enough for them. A photo that cannot be read keeps
 * its link.
 */
async function placeThumbnails(pictures: SheetPictures, photoDir: string, item: LedgerIssueRow, row: SheetRow) {
  let placed = false;
  for (const [i, stage] of (["before", "after"] as const).entries()) {
    const href = safeHref(firstPhoto(item, stage)?.href ?? "");
    if (!href || /^https?:/i.test(href)) continue;
    const png = await photoThumbnail(join(photoDir, href));
    if (!png) continue;
    const column = PRINT_COLUMNS.length - 2 + i;
    pictures.add(png, { col: column, row: row.number - 1 }, THUMBNAIL_CM);
    row.values[column] = null;
    placed = true;
  }
  if (placed) row.height = Math.max(row.height ?? 0, THUMBNAIL_ROW_PT);
}

function finishTable(sheet: Worksheet, columnCount: number, lastRow: number): void {
  // The filter covers the data, not just the header, so Excel and WPS sort and filter every row.
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastRow, column: columnCount } };
  sheet.commit();
}

/** Writes `rows` below the header row, one cell per column; returns the last row's number. */
function writeRows<R>(sheet: Worksheet, columns: ColumnSpec<R>[], rows: readonly R[], wallClock: WallClock): number {
  const writer = new SheetRows(sheet);
  const styles = columns.map((column) => STYLES.plain[column.kind]);
  let rowNumber = 1;
  for (const r of rows) {
    rowNumber += 1;
    writer.write({ number: rowNumber, values: columns.map((column) => column.value(r, wallClock)), styles });
  }
  return rowNumber;
}

function writeGridSummary(sheet: Worksheet, input: LedgerInput, wallClock: WallClock): void {
  const lastGridRow = writeRows(sheet, GRID_COLUMNS, input.grids, wallClock);

  // The unit total sits below the filter range, so sorting or filtering the grids leaves it in place.
  const s = input.summary;
  const totals: CellValue[] = [
    H.total,
    null,
    numberCell(s.found),
    numberCell(s.rectified),
    numberCell(s.open),
    numberCell(s.overdue),
    textCell(s.rate),
    textCell(s.durations.rectification.average),
  ];
  new SheetRows(sheet).write({
    number: lastGridRow + 1,
    values: totals,
    styles: GRID_COLUMNS.map((column) => ({ ...STYLES.plain[column.kind], font: HEADER_STYLE.font })),
  });

  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastGridRow, column: GRID_COLUMNS.length } };
  sheet.commit();
}

/**
 * The cover: title, unit, period, generation time, the unit's figures, the metric definitions and a short guide
 * to the other sheets. Everything it shows is in the input up front, so it is written (and committed) first.
 */
function writeCover(sheet: Worksheet, input: LedgerInput, wallClock: WallClock): void {
  sheet.columns = [{ width: 18 }, { width: COVER_VALUE_WIDTH }];
  let rowNumber = 0;
  const pair = (label: string, value: CellValue, valueStyle: Partial<Style> = COVER_STYLES.value) => {
    rowNumber += 1;
    const row = sheet.getRow(rowNumber);
    row.getCell(1).value = label;
    row.getCell(1).style = COVER_STYLES.label;
    row.getCell(2).value = value;
    row.getCell(2).style = valueStyle;
    // Long text wraps in the value column; rows do not grow by themselves when the file is opened or printed.
    const height = typeof value === "string" ? rowHeight(wrappedLines(value, COVER_VALUE_WIDTH)) : undefined;
    if (height !== undefined) row.height = height;
    row.commit();
  };
  const spanning = (text: string, style: Partial<Style>, height?: number) => {
    rowNumber += 1;
    sheet.mergeCells(rowNumber, 1, rowNumber, 2);
    const row = sheet.getRow(rowNumber);
    row.getCell(1).value = textCell(text);
    row.getCell(1).style = style;
    if (height !== undefined) row.height = height;
    row.commit();
  };
  const gap = () => {
    rowNumber += 1;
  };

  spanning(ledgerTitle(input.unitName), COVER_STYLES.title, 32);
  gap();
  pair(COVER_LABELS.unit, textCell(input.unitName));
  pair(COVER_LABELS.period, textCell(input.periodLabel));
  pair(COVER_LABELS.generatedAt, dateCell(input.generatedAt, wallClock), COVER_STYLES.date);
  pair(COVER_LABELS.observedAt, dateCell(input.observedAt, wallClock), COVER_STYLES.date);
  pair(COVER_LABELS.timeZone, timeZoneNote(timeZoneName(input.timeZone)));

  gap();
  spanning(COVER_LABELS.figures, COVER_STYLES.section, 22);
  const s = input.summary;
  pair(COVER_LABELS.found, numberCell(s.found));
  pair(COVER_LABELS.rectified, numberCell(s.rectified));
  pair(COVER_LABELS.closed, numberCell(s.closed));
  pair(COVER_LABELS.open, numberCell(s.open));
  pair(COVER_LABELS.overdue, numberCell(s.overdue));
  pair(COVER_LABELS.awaiting, numberCell(s.awaiting));
  pair(COVER_LABELS.rebound, numberCell(s.rebound));
  pair(COVER_LABELS.rate, textCell(s.rate));
  for (const kind of DURATION_KINDS) {
    pair(averageLabel(kind), textCell(s.durations[kind].average));
    pair(medianLabel(kind), textCell(s.durations[kind].median));
  }

  if (input.definitions.length > 0) {
    gap();
    spanning(COVER_LABELS.definitions, COVER_STYLES.section, 22);
    for (const line of input.definitions) spanning(line, COVER_STYLES.note, rowHeight(wrappedLines(line, 84)));
  }

  gap();
  spanning(COVER_LABELS.sheets, COVER_STYLES.section, 22);
  const guide = sheetGuide(PRINT_THUMBNAIL_ISSUES);
  for (const sheetKey of ["print", "issues", "events", "grids", "indicators"] as const)
    pair(LEDGER_SHEET_NAMES[sheetKey], guide[sheetKey]);

  sheet.commit();
}
