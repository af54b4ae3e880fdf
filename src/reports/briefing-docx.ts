/**
 * The 工作简报 as a Word document (.docx, behaviour §15.3) that a secretary opens in WPS, edits and prints: a red
 * masthead (name, 第N期, who issues it and when), then the sections of reports/briefing.ts in order — 总体情况 with
 * the figures table (环比, 同比), the ranking table and chart, problems by category with a chart, the overdue list,
 * the 约谈 list and typical cases with their before and after photos. Plain paragraphs and tables in A4 portrait with
 * Chinese fonts WPS has (仿宋, 黑体, 宋体); charts and photos are PNG pictures in line with the text.
 */

import { join } from "node:path";
import {
  AlignmentType,
  BorderStyle,
  Document,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from "docx";
import { localDateString } from "../domain/deadline.ts";
import { PATROL_LEVELS } from "../domain/types.ts";
import {
  BRIEFING_NAME,
  CADENCE_WORDS,
  CASE_PHOTOS,
  CATEGORY_CHART_TITLE,
  CATEGORY_HEADER,
  cadenceNumber,
  caseDates,
  caseHeading,
  DOCUMENT_FONTS,
  definitionsNote,
  dueMet,
  EMPTY_LISTS,
  endOfDay,
  FIGURES_HEADER,
  FLAG_WORDS,
  issueNumber,
  KEY_POINT,
  listCut,
  longDate,
  MISSED_HEADER,
  MISSED_WORDS,
  mastheadLine,
  OVERDUE_HEADER,
  overallSentence,
  PARKED_HEADER,
  PATROL_HEADER,
  patrolSentence,
  periodName,
  rankingChartTitle,
  rankingHeader,
  rankingNote,
  SECTION_TITLES,
  sectionHeading,
  talkHeader,
  talkRule,
  UNRANKED,
} from "../texts/briefing.ts";
import { deadlineDate, shortDate } from "../texts/deadline.ts";
import { PARK_KIND_LABELS } from "../texts/extension.ts";
import { CATEGORY_PENDING, KIND_LABELS, PATROL_LEVEL_LABELS } from "../texts/labels.ts";
import { formatDecimal, formatRate, METRICS_DEFINITION } from "../texts/messages.ts";
import { type BriefingData, briefingChartInput, figureRows, RANKING_MEASURE } from "./briefing.ts";
import type { RankingChartInput } from "./chart.ts";
import type { PatrolReport } from "./patrol-coverage.ts";
import { photoThumbnail } from "./photo-thumbnail.ts";
import type { IssueListItem } from "./stats-lists.ts";

/** Where the document finds what it embeds, and when it is issued. */
export interface BriefingDocxOptions {
  /** DATA_DIR, where the cases' photos are stored. */
  dataDir: string;
  /** The masthead's date. */
  issuedAt: Date;
}

const FONTS = DOCUMENT_FONTS;
const RED = "C00000";
/** Half-points: 三号 16 pt for the body, 四号-ish 12 pt in tables, 小初 36 pt for the masthead. */
const SIZES = { title: 72, number: 32, body: 30, heading: 32, table: 22, note: 20 } as const;
/** A4 with 2.5 cm margins; the text is 16 cm wide (in twentieths of a point). */
const PAGE = { width: 11906, height: 16838, margin: 1418 } as const;
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** The width pictures are shown at, in pixels at 96 dpi (about 15.9 cm). */
const PICTURE_PX = 600;
/** Most missed patrols listed (the count is given apart). */
const MAX_MISSED = 30;
/** The size each case photo is shown at (two side by side), in pixels at 96 dpi. */
const PHOTO_PX = { width: 280, height: 210 } as const;

function font(name: string) {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name };
}

function run(text: string, options: { font?: string; size?: number; bold?: boolean; color?: string } = {}) {
  return new TextRun({
    text,
    font: font(options.font ?? FONTS.body),
    size: options.size ?? SIZES.body,
    ...(options.bold ? { bold: true } : {}),
    ...(options.color ? { color: options.color } : {}),
  });
}

function paragraph(text: string, options: { indent?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({
    children: [run(text, { size: options.size ?? SIZES.body })],
    spacing: { line: 360 },
    ...(options.indent === false ? {} : { indent: { firstLine: 640 } }),
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({
    children: [run(text, { font: FONTS.heading, size: SIZES.heading })],
    spacing: { before: 240, after: 120 },
  });
}

/** The ranking table's column of the flags (rankingHeader's last). */
const FLAG_COLUMN = 7;
/** The colours of the flags' words. */
const FLAG_COLORS = { red: RED, yellow: "C09000" } as const;

/**
 * A table with a bold header row, its columns as wide as `weights` say, across the text width; `colorOf` may colour
 * a body cell's words.
 */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  weights: readonly number[],
  colorOf: (row: number, column: number) => string | undefined = () => undefined,
): Table {
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const cell = (text: string, column: number, bold: boolean, color?: string) =>
    new TableCell({
      width: { size: widths[column] ?? 0, type: WidthType.DXA },
      margins: { left: 60, right: 60, top: 40, bottom: 40 },
      verticalAlign: VerticalAlign.CENTER,
      ...(bold ? { shading: { fill: "F2F2F2" } } : {}),
      children: [
        new Paragraph({
          alignment: column === 0 ? AlignmentType.LEFT : AlignmentType.CENTER,
          children: [run(text, { font: FONTS.table, size: SIZES.table, bold, ...(color ? { color } : {}) })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, i, true)) }),
      ...rows.map(
        (r, row) =>
          new TableRow({ cantSplit: true, children: r.map((text, i) => cell(text, i, false, colorOf(row, i))) }),
      ),
    ],
  });
}

/** Width and height of a PNG, from its header. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function picture(png: Buffer, width: number, height: number): ImageRun {
  return new ImageRun({ type: "png", data: png, transformation: { width, height } });
}

/** A chart as a centred picture the width of the text, or nothing when there is no chart. */
async function chart(input: RankingChartInput | null): Promise<Paragraph[]> {
  if (!input) return [];
  // ECharts and resvg are loaded when a chart is drawn, not with the bot.
  const { renderRankingChart } = await import("./chart.ts");
  const png = await renderRankingChart(input);
  const { width, height } = pngSize(png);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [picture(png, PICTURE_PX, Math.round((height / width) * PICTURE_PX))],
    }),
  ];
}

function masthead(data: BriefingData, issuedAt: Date): Paragraph[] {
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 120 },
      children: [run(BRIEFING_NAME, { font: FONTS.title, size: SIZES.title, bold: true, color: RED })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [run(cadenceNumber(CADENCE_WORDS[data.cadence].name, data.number), { size: SIZES.number })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 120, after: 240 },
      border: { bottom: { style: BorderStyle.THICK, size: 18, color: RED, space: 6 } },
      children: [run(mastheadLine(data.unit.name, longDate(localDateString(issuedAt, data.timeZone))))],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 240 },
      children: [run(`${data.unit.name}${data.periodName}`, { font: FONTS.heading, size: SIZES.heading })],
    }),
  ];
}

/** When open and overdue are counted: "11月29日 24:00" at the period's end, else the moment (a period not over yet). */
function observedAt(data: BriefingData): string {
  if (data.asOf.getTime() !== data.period.to.getTime() - 1) return deadlineDate(data.asOf, data.timeZone);
  return endOfDay(shortDate(localDateString(data.asOf, data.timeZone)));
}

function overall(data: BriefingData): (Paragraph | Table)[] {
  const s = data.stats;
  return [
    paragraph(
      overallSentence({
        thisPeriod: CADENCE_WORDS[data.cadence].this,
        found: s.found,
        dynamic: s.byKind.dynamic,
        stat: s.byKind.static,
        rectified: s.rectified,
        closed: s.closed,
        rate: formatRate(s.rate.rate),
        asOf: observedAt(data),
        open: s.open,
        overdue: s.overdue,
      }),
    ),
    table(FIGURES_HEADER, figureRows(data), [3, 2, 2, 3, 2, 3]),
  ];
}

async function ranking(data: BriefingData): Promise<(Paragraph | Table)[]> {
  const measure = RANKING_MEASURE.label;
  const rows = data.ranking.map((e) => {
    const s = e.stats;

    return [
      e.rank === null ? UNRANKED : String(e.rank),
      s.unit.name,
      String(s.found),
      String(s.closed),
      String(s.open),
      String(s.overdue),
      e.rank === null || e.score === null ? UNRANKED : formatDecimal(e.score),
      e.flag ? FLAG_WORDS[e.flag] : "",
    ];
  });
  return [
    table(rankingHeader(data.childLabel, measure), rows, [1.2, 2.6, 1.2, 1.2, 1.5, 1.2, 2.6, 1.6], (row, column) => {
      const flag = data.ranking[row]?.flag;
      return flag && column === FLAG_COLUMN ? FLAG_COLORS[flag] : undefined;
    }),
    paragraph(rankingNote(measure, data.minRankedIssues, data.childLabel), { size: SIZES.note, indent: false }),
    ...(await chart(briefingChartInput(data, rankingChartTitle(data.childLabel, measure)))),
  ];
}

async function categories(data: BriefingData): Promise<(Paragraph | Table)[]> {
  const found = data.stats.found;
  if (found === 0) return [paragraph(EMPTY_LISTS.categories)];
  const rows = data.stats.byCategory.map((c) => [
    c.name ?? CATEGORY_PENDING,
    c.kind ? KIND_LABELS[c.kind] : "",
    String(c.count),
    formatRate(c.count / found),
  ]);
  const input: RankingChartInput = {
    title: CATEGORY_CHART_TITLE,
    subtitle: `${data.unit.name} · ${data.periodName}`,
    bars: data.stats.byCategory.map((c) => ({ label: c.name ?? CATEGORY_PENDING, value: c.count })),
    valueFormat: "count",
  };
  return [table(CATEGORY_HEADER, rows, [4, 2, 2, 2]), ...(await chart(input))];
}

function overdue(data: BriefingData): (Paragraph | Table)[] {
  const { items, total } = data.overdue;
  if (total === 0) return [paragraph(EMPTY_LISTS.overdue)];
  const rows = items.map((i) => [
    `#${i.number}`,
    i.community ?? "",
    placeOf(i),
    i.category ?? CATEGORY_PENDING,
    i.deadline ? deadlineDate(i.deadline, data.timeZone, data.asOf) : "",
    i.owner ? [i.owner.unit, ...i.owner.people.map((p) => p.name)].filter(Boolean).join(" ") : "",
  ]);
  return [
    ...(total > items.length ? [paragraph(listCut(total, items.length))] : []),
    table(OVERDUE_HEADER, rows, [1.4, 2, 3, 2.4, 2.4, 2.6]),
  ];
}

/** The place of a listed issue: its grid and point. */
function placeOf(item: IssueListItem): string {
  return [item.grid?.name, item.point].filter(Boolean).join(" ");
}

function parked(data: BriefingData): (Paragraph | Table)[] {
  const { items, total } = data.parked;
  if (total === 0) return [paragraph(EMPTY_LISTS.parked)];
  const rows = items.map((i) => [
    `#${i.number}`,
    i.community ?? "",
    placeOf(i),
    i.category ?? CATEGORY_PENDING,
    i.parkKind ? PARK_KIND_LABELS[i.parkKind] : "",
    i.parkedUntil ? shortDate(localDateString(i.parkedUntil, data.timeZone)) : "",
    i.parkPlan ?? "",
  ]);
  return [
    ...(total > items.length ? [paragraph(listCut(total, items.length))] : []),
    table(PARKED_HEADER, rows, [1.4, 2, 2.6, 2.2, 1.2, 2, 3.6]),
  ];
}

function talks(data: BriefingData): (Paragraph | Table)[] {
  const measure = RANKING_MEASURE.label;
  const rule = paragraph(talkRule(measure, data.talkBelow, data.talkPeriods, CADENCE_WORDS[data.cadence].previous));
  if (data.talks.length === 0) return [rule, paragraph(EMPTY_LISTS.talks)];
  const periods = Array.from({ length: data.talkPeriods }, (_, back) => periodName(back));
  const rows = data.talks.map((t) => [t.unit.name, ...t.scores.map(formatDecimal)]);
  return [rule, table(talkHeader(data.childLabel, periods), rows, [3, ...periods.map(() => 2)])];
}

function patrols(data: BriefingData, report: PatrolReport): (Paragraph | Table)[] {
  const levels = PATROL_LEVELS.map((level) => {
    const { due, met } = report.byLevel[level];
    return [PATROL_LEVEL_LABELS[level], String(due), String(met), formatRate(due === 0 ? null : met / due)];
  });
  const missed = report.missed
    .slice(0, MAX_MISSED)
    .map((c) => [
      c.point.name,
      c.point.key ? KEY_POINT : "",
      PATROL_LEVEL_LABELS[c.level],
      c.patroller.name,
      dueMet(c.due, c.met),
    ]);
  return [
    paragraph(
      patrolSentence({
        thisPeriod: CADENCE_WORDS[data.cadence].this,
        visits: report.visits,
        patrollers: report.patrollers,
        points: report.pointsVisited,
        withProblems: report.withProblems,
        found: report.problems.found,
        rectified: report.problems.rectified,
      }),
    ),
    table(PATROL_HEADER, levels, [3, 2, 2, 2]),
    ...(missed.length === 0
      ? [paragraph(MISSED_WORDS.none)]
      : [
          paragraph(MISSED_WORDS.title),
          ...(report.missed.length > missed.length ? [paragraph(listCut(report.missed.length, missed.length))] : []),
          table(MISSED_HEADER, missed, [3.5, 1.5, 1.2, 3, 2]),
        ]),
  ];
}

async function cases(data: BriefingData, dataDir: string): Promise<(Paragraph | Table)[]> {
  const out: (Paragraph | Table)[] = [];
  if (data.cases.length === 0) return [...out, paragraph(EMPTY_LISTS.cases)];
  for (const c of data.cases) {
    const [before, after] = await Promise.all(
      [c.before, c.after].map((path) => photoThumbnail(join(dataDir, path), PHOTO_PX)),
    );
    const photoCell = (png: Buffer | null, caption: string) =>
      new TableCell({
        width: { size: TEXT_WIDTH / 2, type: WidthType.DXA },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: png ? [picture(png, PHOTO_PX.width, PHOTO_PX.height)] : [],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [run(caption, { font: FONTS.table, size: SIZES.table })],
          }),
        ],
      });
    out.push(
      new Paragraph({
        spacing: { before: 120 },
        children: [
          run(caseHeading(c.number, c.category ?? CATEGORY_PENDING, c.place), { font: FONTS.heading, size: 28 }),
        ],
      }),
      paragraph(c.text),
      paragraph(
        caseDates(
          shortDate(localDateString(c.reportedAt, data.timeZone)),
          shortDate(localDateString(c.closedAt, data.timeZone)),
        ),
      ),
      new Table({
        width: { size: TEXT_WIDTH, type: WidthType.DXA },
        columnWidths: [TEXT_WIDTH / 2, TEXT_WIDTH / 2],
        rows: [
          new TableRow({
            cantSplit: true,
            children: [photoCell(before ?? null, CASE_PHOTOS.before), photoCell(after ?? null, CASE_PHOTOS.after)],
          }),
        ],
      }),
    );
  }
  return out;
}

/** Writes the briefing as a .docx file's bytes. */
export async function briefingDocx(data: BriefingData, options: BriefingDocxOptions): Promise<Buffer> {
  const sections: [string, (Paragraph | Table)[]][] = [
    [SECTION_TITLES.overall, overall(data)],
    [SECTION_TITLES.ranking(data.childLabel), await ranking(data)],
    [SECTION_TITLES.categories, await categories(data)],
    [SECTION_TITLES.overdue, overdue(data)],
    [SECTION_TITLES.parked, parked(data)],
    [SECTION_TITLES.talks, talks(data)],
    ...(data.patrols ? [[SECTION_TITLES.patrols, patrols(data, data.patrols)] as [string, (Paragraph | Table)[]]] : []),
    [SECTION_TITLES.cases, await cases(data, options.dataDir)],
  ];
  const children = [
    ...masthead(data, options.issuedAt),
    ...sections.flatMap(([title, body], i) => [heading(sectionHeading(i, title)), ...body]),
    new Paragraph({
      spacing: { before: 360 },
      children: [run(definitionsNote(METRICS_DEFINITION), { size: SIZES.note })],
    }),
  ];
  const document = new Document({
    creator: data.unit.name,
    title: `${data.unit.name}${BRIEFING_NAME}${issueNumber(data.number)}`,
    styles: { default: { document: { run: { font: font(FONTS.body), size: SIZES.body } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
