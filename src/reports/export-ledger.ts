/**
 * The 台账 export (behaviour §9): the issues of a unit that its period's figures count — reported in the period, open
 * at its observation instant, or closed in it (ledgerRowsAt in src/domain/metrics.ts) — their history, the per-grid
 * summary and the cover figures, streamed into the workbook laid out by ledger-workbook.ts. The cover is counted
 * from the rows themselves as they are listed (ledger-figures.ts), so the two always agree; each row shows its
 * status at the observation instant.
 *
 * The issues, events and photos are read with hand-written SQL (ledger-queries.ts), not Prisma's model objects.
 * Memory stays flat whatever the size: the ledger's issues are first listed as (number, id) keys — 8 bytes each —
 * sorted by number; then the rows are read in pages of `pageSize` by id and handed to the writer row by row before
 * the next page is read. The history sheet comes after the issue sheet in the file, so the same keys are paged
 * through a second time for the events. The figures all come from stats.ts, so the cover and 网格汇总 show exactly
 * what 统计 and the digest show for the same unit and period; open, awaiting verification and overdue — on the
 * cover, in 网格汇总 and in each row's 是否超期 — are judged at the same observation instant (the period's end, or
 * now for a period still running), printed on the cover as 统计时点.
 *
 * Photos: the ledger is an export folder, the workbook with a folder 照片 beside it. Every photo of a listed issue is
 * put there (a hard link to the stored file where it can be, placePhoto) as 照片/<编号>-<整改前|整改后>[n].<ext>
 * (e.g. 照片/1024-整改前.jpg) and its cell is a relative hyperlink to that file, which Excel and WPS open from
 * wherever the folder is unpacked; a photo whose stored file is missing is named in its cell as （文件缺失）. Written
 * to a stream (no folder), photo cells show their labels only.
 */

import { constants, copyFileSync, linkSync, unlinkSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, extname, isAbsolute, join } from "node:path";
import type { OfficeHours } from "../config/office-hours.ts";
import type { Db } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { issueLimit, limitUnitLookup, type Org, orgOf } from "../db/org-queries.ts";
import { changesOf } from "../domain/changes.ts";
import {
  type CountingOptions,
  DEFAULT_TIME_ZONE,
  type LimitUnit,
  localDateString,
  type Period,
  type TimeLimit,
} from "../domain/deadline.ts";
import {
  conditionTest,
  DEFAULT_COMPOSITE_WEIGHTS,
  durationHours,
  type IssueSnapshot,
  ledgerRowsAt,
  mapDurations,
  overdueAt,
  parkedInHandAt,
  statusTestAt,
} from "../domain/metrics.ts";
import type { CategoryClass, CategoryKind, IssueStatus } from "../domain/types.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { changesText } from "../texts/changes.ts";
import { parkedCell } from "../texts/extension.ts";
import { CLASS_LABELS, externalSourceLabel, KIND_LABELS, limitLabel, STATUS_LABELS } from "../texts/labels.ts";
import { definitionParts, kindIndicator, missingPhotoLabel, PHOTO_STAGE_LABELS, PHOTO_WORD } from "../texts/ledger.ts";
import { EVENT_LABELS, formatHours, formatRate, METRICS_DEFINITION } from "../texts/messages.ts";
import {
  compositeFormula,
  INDICATOR_KEYS,
  type IndicatorKey,
  indicatorValue,
  STATS_DEFINITIONS,
} from "../texts/stats.ts";
import { type LedgerFact, LedgerTally } from "./ledger-figures.ts";
import {
  eventsOf,
  type IssueFacts,
  type IssueRecord,
  issueFactsOf,
  issueIdsWhere,
  issuesOf,
  type PhotoRecord,
  photosOf,
} from "./ledger-queries.ts";
import {
  type LedgerEventRow,
  type LedgerGridRow,
  type LedgerIssueRow,
  type LedgerPhoto,
  type LedgerProgress,
  writeLedgerWorkbook,
} from "./ledger-workbook.ts";
import { headCounts, periodFor, periodLabel, statsForScope, toSql, type UnitStats, unitAndChildren } from "./stats.ts";
import {
  ancestorOfLevel,
  DEPARTMENT_LEVEL,
  extendLineage,
  loadUnitScope,
  type Scope,
  type UnitNode,
} from "./stats-scope.ts";

/** What to export and where. Give `unitId` or `unitCode`. */
export interface ExportLedgerOptions {
  unitId?: number;
  unitCode?: string;
  /** Issues reported in [from, to) are listed. */
  from: Date;
  to: Date;
  /** Zone every time is shown in; RIQING_TIMEZONE, Asia/Shanghai by default. */
  timeZone?: string;
  /** RIQING_OFFICE_HOURS, for the durations of issues whose limit is in 工作时 (behaviour §8.7); the default otherwise. */
  officeHours?: OfficeHours;
  /** A file path, or a stream (ended when the workbook is complete). */
  out: string | NodeJS.WritableStream;
  /**
   * The current time: the generation time on the cover, and the observation instant of a period not yet over
   * (what is open and overdue is judged at the earlier of it and the period's end). Defaults to the current time.
   */
  now?: Date;
  /** DATA_DIR, where stored photo paths are relative to. With `out` a file path, photos are copied beside it. */
  dataDir?: string;
  /** Issues read per query, when listing them and when reading their rows; 5,000 by default. */
  pageSize?: number;
  /** Called after every row written (for a CLI progress line). */
  onProgress?: (progress: LedgerProgress) => void;
}

/** What was exported. */
export interface ExportLedgerResult {
  unit: UnitNode;
  period: Period;
  issues: number;
  events: number;
  /** The unit's figures shown on the cover. */
  stats: UnitStats;
  /** Photos copied into the photo folder, and photos whose stored file was missing. */
  photos: { copied: number; missing: number };
}

/** The folder beside the workbook the photos are copied into. */
export const PHOTO_FOLDER = PHOTO_WORD;

const DEFAULT_PAGE_SIZE = 5_000;

/** Names by id, fetched for the ids a page needs that are not known yet. */
class NameCache {
  private readonly names = new Map<number, string>();
  constructor(private readonly fetch: (ids: number[]) => Promise<{ id: number; name: string }[]>) {}

  /** Makes sure the names of `ids` are known. */
  async load(ids: Iterable<number | null>): Promise<void> {
    const missing = [...new Set(ids)].filter((id): id is number => id !== null && !this.names.has(id));
    for (const row of await inChunks(missing, this.fetch)) this.names.set(row.id, row.name);
  }

  get(id: number | null): string {
    return id === null ? "" : (this.names.get(id) ?? "");
  }
}

/** The lookups the rows of the ledger need. */
interface Lookups {
  scope: Scope;
  categories: Map<number, { name: string; kind: string; class: string }>;
  /** For each issue's time limit: its category's, or its street's own (behaviour §2.20). */
  org: Org;
  /** The unit of an issue's limit, which its durations count in (behaviour §8.7). */
  limitUnitOf: (categoryId: number | null, gridId: number | null) => LimitUnit | null;
  /** The time zone and office hours the durations count with. */
  counting: CountingOptions;
  points: NameCache;
  people: NameCache;
  /** An issue's status, whether it is overdue, and whether it is parked in hand, at the observation instant. */
  statusAt: (issue: IssueSnapshot) => IssueStatus | null;
  overdue: (issue: IssueSnapshot) => boolean;
  parkedInHand: (issue: IssueSnapshot) => boolean;
  timeZone: string;
}

/**
 * Writes the ledger of a unit (any level; a department's covers the issues dispatched to it) for the issues
 * reported in [from, to) to `out`, and resolves with what was written. Throws UnknownUnitError for an unknown unit,
 * RangeError for an empty period or unknown time zone; on failure a file written to a path is removed.
 */
export async function exportLedger(db: Db, options: ExportLedgerOptions): Promise<ExportLedgerResult> {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const counting = { timeZone, officeHours: options.officeHours };
  const now = options.now ?? new Date();
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(db, options, counting, now);
  } catch (error) {
    // Like the workbook writer on failure: a caller's stream is not left waiting for a workbook that never comes.
    if (typeof options.out !== "string") {
      (options.out as NodeJS.WritableStream & { destroy?: () => void }).destroy?.();
    }
    throw error;
  }
  const { period, pageSize, scope, root, stats, rootStats, photoSource } = prepared;
  const photoCounts = { copied: 0, missing: 0 };

  const people = new NameCache((ids) =>
    db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
  );
  const org = await orgOf(db);
  const lookups: Lookups = {
    scope,
    categories: new Map(
      (await db.category.findMany({ select: { id: true, name: true, kind: true, class: true } })).map((c) => [c.id, c]),
    ),
    org,
    limitUnitOf: limitUnitLookup(org),
    counting,
    points: new NameCache((ids) => db.point.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
    people,
    statusAt: statusTestAt(rootStats.observedAt),
    overdue: conditionTest(overdueAt(rootStats.observedAt)),
    parkedInHand: conditionTest(parkedInHandAt(rootStats.observedAt)),
    timeZone,
  };
  // Both sheets list exactly these issues, even if others are filed while the export runs; the cover counts them.
  const tally = new LedgerTally(period, rootStats.observedAt, counting);
  const keys = await ledgerKeys(db, scope, period, tally, lookups.limitUnitOf, pageSize);
  const figures = tally.result();
  const pages = () => keyPages(keys, pageSize);

  /**
   * The photo cells of the pages a reading has reached, by page index. The rows are read for 打印版 and again for
   * 问题台账; 打印版 stops after its first PRINT_MAX_ISSUES rows, so each page's photos are copied by the first reading
   * that reaches it and 问题台账 takes (and drops) the cells that reading made.
   */
  const photoCells = new Map<number, Promise<Map<number, LedgerPhoto[]>>>();

  function pagePhotos(index: number, { ids, numbers }: KeyPage): Promise<Map<number, LedgerPhoto[]>> {
    let cells = photoCells.get(index);
    if (!cells) {
      cells = photosOf(db, ids).then((stored) =>
        photoSource ? copyPhotos(ids, numbers, stored, photoSource, photoCounts) : labelsOnly(ids, numbers, stored),
      );
      photoCells.set(index, cells);
    }
    return cells;
  }

  /** A page of issue rows with what their cells need: names, units and photo cells (photos copied). */
  async function issuePage(index: number, keys: KeyPage, last: boolean) {
    const photos = pagePhotos(index, keys);
    if (last) photoCells.delete(index);
    const [page, cells] = await Promise.all([issuesOf(db, keys.ids), photos]);
    page.sort((a, b) => a.number - b.number);
    await extendLineage(db, scope.lineage, [...page.map((i) => i.gridId), ...page.map((i) => i.assigneeUnitId)]);
    await lookups.points.load(page.map((i) => i.pointId));
    await people.load([...page.map((i) => i.reporterId), ...page.map((i) => i.assigneePersonId)]);
    return { page, photos: cells };
  }

  /** The issue rows in ledger order. `last` is 问题台账's reading, the last of the two. */
  async function* issueRows(last: boolean): AsyncGenerator<LedgerIssueRow> {
    let index = 0;
    for (const keys of pages()) {
      const { page, photos } = await issuePage(index++, keys, last);
      for (const issue of page) yield issueRow(issue, lookups, photos.get(issue.id) ?? []);
    }
  }

  async function* eventRows(): AsyncGenerator<LedgerEventRow> {
    for (const { ids, numbers } of pages()) {
      const events = await eventsOf(db, ids);
      await people.load(events.map((e) => e.actorId));
      const number = (issueId: number) => numbers.get(issueId) ?? 0;
      events.sort((a, b) => number(a.issueId) - number(b.issueId) || a.at - b.at || a.id - b.id);
      for (const e of events) {
        yield {
          issueNumber: number(e.issueId),
          at: new Date(e.at),
          type: EVENT_LABELS[e.type] ?? e.type,
          actor: people.get(e.actorId),
          from: statusLabel(e.fromStatus),
          to: statusLabel(e.toStatus),
          reason: e.reason ?? "",
          changes: changesText(changesOf(e.data), timeZone),
        };
      }
    }
  }

  const written = await writeLedgerWorkbook(
    options.out,
    {
      unitName: root.name,
      periodLabel: periodLabel(period, timeZone),
      generatedAt: now,
      observedAt: rootStats.observedAt,
      timeZone,
      definitions: [
        ...definitionParts(METRICS_DEFINITION),
        ...STATS_DEFINITIONS,
        compositeFormula(DEFAULT_COMPOSITE_WEIGHTS),
      ],
      summary: {
        ...headCounts(figures),
        rebound: figures.rebound,
        rate: formatRate(figures.rate.rate),
        durations: mapDurations((kind) => ({
          average: formatHours(figures.durations[kind].averageHours),
          median: formatHours(figures.durations[kind].medianHours),
        })),
      },
      printIssues: issueRows(false),
      issues: issueRows(true),
      events: eventRows(),
      grids: gridRows(scope, stats),
      indicators: unitAndChildren(stats, root.id).map((s) => ({
        unit: s.unit.name,
        values: Object.fromEntries(INDICATOR_KEYS.map((k) => [k, indicatorValue(s.indicators, k)])) as Record<
          IndicatorKey,
          string
        >,
      })),
    },
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  return {
    unit: root,
    period,
    issues: written.issues,
    events: written.events,
    stats: rootStats,
    photos: photoCounts,
  };
}

/** Checks the options and computes the figures; everything that can fail before the workbook is started. */
async function prepare(
  db: Db,
  options: ExportLedgerOptions,
  counting: CountingOptions & { timeZone: string },
  now: Date,
) {
  const { timeZone } = counting;
  const unitRef = options.unitId ?? options.unitCode;
  if (unitRef === undefined) throw new TypeError("exportLedger needs unitId or unitCode");
  // Throws RangeError for an unknown zone.
  new Intl.DateTimeFormat("en-US", { timeZone });
  const period = periodFor({ from: options.from, to: options.to }, now, timeZone);
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
  const scope = await loadUnitScope(db, unitRef);
  // Photos are copied only where there is a folder to copy them into: beside a workbook written to a path.
  let photoSource: { dataDir: string; exportDir: string } | null = null;
  if (typeof options.out === "string" && options.dataDir !== undefined) {
    photoSource = { dataDir: options.dataDir, exportDir: dirname(options.out) };
    await mkdir(join(photoSource.exportDir, PHOTO_FOLDER), { recursive: true });
  }
  const root = scope.roots[0] as UnitNode;
  const stats = await statsForScope(db, scope, period, now, counting);
  return { period, pageSize, scope, root, stats, rootStats: stats.get(root.id) as UnitStats, photoSource };
}

/**
 * The ledger's issues (ledgerRowsAt) as sorted keys `number << 32 | id` (both are 32-bit in the schema): 8 bytes per
 * issue, so even a million-issue ledger's list is 8 MB. Their ids are listed by one query, then their facts are read
 * by primary key in pages of `pageSize` and each issue is counted into `tally`. (Pages of the listing query itself,
 * `id > last ORDER BY id LIMIT n`, had SQLite collect and sort every matching issue again for each page: 3.6 s of a
 * 100,000-issue street's ledger.)
 */
async function ledgerKeys(
  db: Db,
  scope: Scope,
  period: Period,
  tally: LedgerTally,
  limitUnitOf: Lookups["limitUnitOf"],
  pageSize: number,
): Promise<BigInt64Array> {
  const root = (scope.roots[0] as UnitNode).id;
  const { sql, exact } = scope.issuesOf(root);
  // The broad bounds as they are, so that SQLite may find the issues by their indexes (SqlDialect.unindexed would
  // hide them).
  const ids = await issueIdsWhere(db, Prisma.sql`${sql} AND ${toSql(ledgerRowsAt(period, tally.observedAt))}`);
  const keys = new BigInt64Array(ids.length);
  let count = 0;
  for (let i = 0; i < ids.length; i += pageSize) {
    for (const row of await issueFactsOf(db, Array.from(ids.subarray(i, i + pageSize)))) {
      // Without an exact SQL filter (a very large scope) the scope is applied here.
      if (!exact && !scope.containersOf(row).includes(root)) continue;
      const fact = ledgerFact(row, limitUnitOf);
      if (fact) tally.add(fact);
      keys[count++] = (BigInt(row.number) << 32n) | BigInt(row.id);
    }
  }
  return keys.subarray(0, count).sort();
}

/** A page of the ledger's keys: issue ids in ledger order, and the number of each id. */
interface KeyPage {
  ids: number[];
  numbers: Map<number, number>;
}

/** The keys in pages of `pageSize`. */
function* keyPages(keys: BigInt64Array, pageSize: number): Generator<KeyPage> {
  for (let i = 0; i < keys.length; i += pageSize) {
    const ids: number[] = [];
    const numbers = new Map<number, number>();
    for (const key of keys.subarray(i, i + pageSize)) {
      const id = Number(key & 0xffffffffn);
      ids.push(id);
      numbers.set(id, Number(key >> 32n));
    }
    yield { ids, numbers };
  }
}

function issueRow(issue: IssueRecord, lookups: Lookups, photos: LedgerPhoto[]): LedgerIssueRow {
  const { scope } = lookups;
  const category = issue.categoryId === null ? undefined : lookups.categories.get(issue.categoryId);
  const kind = category?.kind as CategoryKind | undefined;
  const cls = category?.class as CategoryClass | undefined;
  const assigneeUnit = issue.assigneeUnitId === null ? undefined : scope.lineage.get(issue.assigneeUnitId);
  const facts = ledgerFact(issue, lookups.limitUnitOf);
  return {
    number: issue.number,
    foundAt: issue.reportedAt,
    community: ancestorOfLevel(scope.lineage, issue.gridId, "community")?.name ?? "",
    grid: issue.gridId === null ? "" : (scope.lineage.get(issue.gridId)?.name ?? ""),
    point: lookups.points.get(issue.pointId),
    category: category?.name ?? "",
    kind: kind && kind in KIND_LABELS ? kindIndicator(KIND_LABELS[kind]) : "",
    class: cls && cls in CLASS_LABELS ? CLASS_LABELS[cls] : "",
    description: issue.text,
    reporter:
      issue.externalSource === null
        ? lookups.people.get(issue.reporterId)
        : externalSourceLabel(issue.externalSource, issue.externalId),
    assignee: lookups.people.get(issue.assigneePersonId) || (assigneeUnit?.name ?? ""),
    deadline: issue.deadline,
    status: statusLabel(facts ? lookups.statusAt(facts) : issue.status),
    rectifiedAt: issue.rectifiedAt,
    closedAt: issue.closedAt,
    hours: mapDurations((kind) => (facts ? durationHours(facts, kind, lookups.counting) : null)),
    overdue: facts !== null && lookups.overdue(facts),
    rebound: issue.reboundOfId !== null,
    extensions: issue.extensionCount,
    limit: limitText(issueLimit(lookups.org, issue.categoryId, issue.gridId)),
    parked:
      facts !== null && lookups.parkedInHand(facts) && issue.parkedUntil
        ? parkedCell(
            issue.parkKind === "deferred" ? "deferred" : "parked",
            localDateString(issue.parkedUntil, lookups.timeZone),
            issue.parkPlan ?? "",
          )
        : "",
    photos,
  };
}

/**
 * What the figures and a row's state read of an issue; null for a status the ledger does not know. Written out
 * field by field: spreading the issue into a new object took several times as long, for every row.
 */
function ledgerFact(issue: IssueFacts, limitUnitOf: Lookups["limitUnitOf"]): LedgerFact | null {
  if (!isStatus(issue.status)) return null;
  return {
    status: issue.status,
    reportedAt: issue.reportedAt,
    deadline: issue.deadline,
    acceptedAt: issue.acceptedAt,
    rectifiedAt: issue.rectifiedAt,
    closedAt: issue.closedAt,
    parkedAt: issue.parkedAt,
    reboundOfId: issue.reboundOfId,
    limitUnit: limitUnitOf(issue.categoryId, issue.gridId),
  };
}

function limitText(limit: TimeLimit | null): string {
  return limit ? limitLabel(limit) : "";
}

/**
 * The photos of one issue in ledger order — before-photos first, then after-photos, each in the order stored — with
 * their labels (整改前, 整改后; numbered when a stage has several) and the file name each gets in the photo folder.
 */
function labelled(number: number, photos: PhotoRecord[]) {
  const perStage = new Map<string, number>();
  for (const p of photos) perStage.set(p.stage, (perStage.get(p.stage) ?? 0) + 1);
  const seen = new Map<string, number>();
  return [...photos]
    .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage))
    .map((p) => {
      const n = (seen.get(p.stage) ?? 0) + 1;
      seen.set(p.stage, n);
      const base = PHOTO_STAGE_LABELS[p.stage] ?? PHOTO_WORD;
      const label = (perStage.get(p.stage) ?? 0) > 1 ? `${base}${n}` : base;
      const fileName = `${number}-${label}${extname(p.path).toLowerCase() || ".jpg"}`;
      return { stage: p.stage === "after" ? ("after" as const) : ("before" as const), label, path: p.path, fileName };
    });
}

/** The photo cells of a page when there is no folder to copy into: labels only. */
function labelsOnly(
  ids: number[],
  numbers: Map<number, number>,
  stored: Map<number, PhotoRecord[]>,
): Map<number, LedgerPhoto[]> {
  return new Map(
    ids.map((id) => [
      id,
      labelled(numbers.get(id) ?? 0, stored.get(id) ?? []).map((p) => ({ stage: p.stage, label: p.label, href: "" })),
    ]),
  );
}

/**
 * Puts the photos of a page from DATA_DIR into the photo folder beside the workbook (placePhoto) and returns their
 * cells: a relative link for each photo put there, （文件缺失） for a missing file.
 *
 * One after another, with the file system's synchronous calls: the export has its thread to itself, and a hard link
 * is a single short system call. Through fs/promises, sixteen at a time, 182,538 links took twice the CPU (each call's
 * promise and its turn on libuv's pool, which the zip's compressor shares) and added some 3 s to a 100,000-issue
 * ledger.
 */
function copyPhotos(
  ids: number[],
  numbers: Map<number, number>,
  stored: Map<number, PhotoRecord[]>,
  { dataDir, exportDir }: { dataDir: string; exportDir: string },
  counts: { copied: number; missing: number },
): Map<number, LedgerPhoto[]> {
  const cells = new Map<number, LedgerPhoto[]>();
  for (const id of ids) {
    const list: LedgerPhoto[] = [];
    cells.set(id, list);
    for (const photo of labelled(numbers.get(id) ?? 0, stored.get(id) ?? [])) {
      const cell: LedgerPhoto = { stage: photo.stage, label: photo.label, href: `${PHOTO_FOLDER}/${photo.fileName}` };
      list.push(cell);
      try {
        placePhoto(
          isAbsolute(photo.path) ? photo.path : join(dataDir, photo.path),
          join(exportDir, PHOTO_FOLDER, photo.fileName),
        );
        counts.copied += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        counts.missing += 1;
        cell.label = missingPhotoLabel(photo.label);
        cell.href = "";
      }
    }
  }
  return cells;
}

/**
 * Puts the stored photo `source` at `copy`: as a hard link to the same file where the file system allows it (the
 * bot's export folder lies under DATA_DIR), which copies no bytes — a fifth of the kernel's time of a copy; else as
 * a copy (a copy-on-write clone where the file system offers one). A file already at `copy` is replaced. Stored
 * photos are never changed in place (they are named by their SHA-256), so the two names show the same photo.
 */
function placePhoto(source: string, copy: string): void {
  try {
    linkSync(source, copy);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw error;
    if (code === "EEXIST") {
      unlinkSync(copy);
      placePhoto(source, copy);
      return;
    }
    // EXDEV (another file system), EPERM or ENOTSUP (no hard links there), EMLINK (too many links to one file).
  }
  copyFileSync(source, copy, constants.COPYFILE_FICLONE);
}

function stageOrder(stage: string): number {
  return stage === "before" ? 0 : stage === "after" ? 1 : 2;
}

function isStatus(status: string): status is IssueStatus {
  return status in STATUS_LABELS;
}

function statusLabel(status: string | null): string {
  if (status === null) return "";
  return STATUS_LABELS[status as IssueStatus] ?? status;
}

/**
 * The 网格汇总 rows: every grid under the unit (microgrids count within their grid), by community and grid code;
 * for a grid or microgrid, the unit itself; for a department, the department and the departments under it.
 */
function gridRows(scope: Scope, stats: ReadonlyMap<number, UnitStats>): LedgerGridRow[] {
  const root = scope.roots[0] as UnitNode;
  const units = [...scope.units.values()];
  let rows: UnitNode[];
  if (root.level === DEPARTMENT_LEVEL) rows = units.filter((u) => u.level === DEPARTMENT_LEVEL);
  else {
    rows = units.filter((u) => u.level === "grid");
    if (rows.length === 0) rows = [root];
  }
  const community = (u: UnitNode) => ancestorOfLevel(scope.lineage, u.id, "community");
  const key = (u: UnitNode) => `${community(u)?.code ?? ""}\u0000${u.code}`;
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return rows.map((u) => {
    const s = stats.get(u.id) as UnitStats;
    return {
      community: community(u)?.name ?? "",
      grid: u.name,
      found: s.found,
      rectified: s.rectified,
      open: s.open,
      overdue: s.overdue,
      rate: formatRate(s.rate.rate),
      avgRectification: formatHours(s.durations.rectification.averageHours),
    };
  });
}
