/**
 * The words of the 台账 (ledger) workbook (reports/ledger-workbook.ts): sheet names, column headers, the cover's
 * labels and its guide to the sheets.
 */

import type { DurationKind } from "../domain/metrics.ts";
import { DURATION_LABELS } from "./messages.ts";

/** Who writes the workbook, in its properties. */
export const LEDGER_AUTHOR = "日清";

/** Sheet names, in workbook order. */
export const LEDGER_SHEET_NAMES = {
  cover: "封面",
  print: "打印版",
  issues: "问题台账",
  events: "处置记录",
  grids: "网格汇总",
  indicators: "考核指标",
} as const;

/** Column headers of the table sheets. */
export const LEDGER_HEADERS = {
  number: "编号",
  foundAt: "发现时间",
  community: "社区",
  grid: "网格",
  unit: "单位",
  point: "点位",
  place: "位置",
  category: "问题类别",
  kind: "指标类型",
  class: "问题分类",
  description: "问题描述",
  reporter: "上报人",
  assignee: "责任人",
  deadline: "整改期限",
  status: "状态",
  rectifiedAt: "整改时间",
  closedAt: "销项时间",
  overdue: "是否超期",
  rebound: "是否反弹",
  extensions: "延期次数",
  parked: "挂账、缓办",
  limit: "整改时限",
  morePhotos: "其余照片",
  before: "整改前",
  after: "整改后",
  issueNumber: "问题编号",
  at: "时间",
  step: "环节",
  actor: "操作人",
  from: "原状态",
  to: "新状态",
  reason: "原因/说明",
  changes: "变更内容",
  found: "发现",
  rectified: "整改",
  open: "未销项",
  overdueCount: "超期",
  rate: "整改率",
  total: "合计",
} as const;

/** The header of a duration column, in hours: "整改用时（小时）". */
export function hoursHeader(kind: DurationKind): string {
  return `${DURATION_LABELS[kind]}（小时）`;
}

/** The word for photos: the folder beside the workbook they are copied into, and a photo of no known stage. */
export const PHOTO_WORD = "照片";

/** What a photo of each stage is called, in its file name and label. */
export const PHOTO_STAGE_LABELS: Readonly<Record<string, string>> = { before: "整改前", after: "整改后" };

/** The header of the n-th photo column (from 1), also the name of a photo without a label. */
export function photoHeader(n: number): string {
  return `${PHOTO_WORD}${n}`;
}

/** A photo written out as text: "整改前：https://…". */
export function photoLine(name: string, href: string): string {
  return `${name}：${href}`;
}

/** The label of a photo whose stored file is missing. */
export function missingPhotoLabel(label: string): string {
  return `${label}（文件缺失）`;
}

/** 是/否 for a flag. */
export function yesNo(value: boolean): string {
  return value ? "是" : "否";
}

/** An indicator kind as the ledger names it: "动态指标". */
export function kindIndicator(kindLabel: string): string {
  return `${kindLabel}指标`;
}

/** The lines of a definition written as one sentence of parts joined by "；". */
export function definitionParts(definition: string): string[] {
  return definition.split("；");
}

/** A user-facing name for the zone the ledger's times are shown in. */
export function timeZoneName(timeZone: string): string {
  return timeZone === "Asia/Shanghai" || timeZone === "Asia/Chongqing" || timeZone === "PRC"
    ? "北京时间"
    : `${timeZone} 时间`;
}

/** The file of one volume of a ledger split over several zip files: "台账（2／3）.zip". */
export function volumeFileName(base: string, n: number, of: number): string {
  return `${base}（${n}／${of}）.zip`;
}

/** "平均整改用时". */
export function averageLabel(kind: DurationKind): string {
  return `平均${DURATION_LABELS[kind]}`;
}

/** "整改用时中位数". */
export function medianLabel(kind: DurationKind): string {
  return `${DURATION_LABELS[kind]}中位数`;
}

/** Page numbers at the foot of every table page (Excel's header and footer codes). */
export const LEDGER_PAGE_FOOTER = "&C第 &P 页，共 &N 页";

/** 打印版's page header: the unit on the left, the period on the right; both already escaped for Excel. */
export function printPageHeader(unitName: string, periodLabel: string): string {
  return `&L${unitName}问题台账（打印版）&R${periodLabel}`;
}

/** The cover's title. */
export function ledgerTitle(unitName: string): string {
  return `${unitName}问题台账`;
}

/** The cover's labels and section titles. */
export const COVER_LABELS = {
  unit: "单位",
  period: "统计周期",
  generatedAt: "生成时间",
  observedAt: "统计时点",
  timeZone: "时区",
  figures: "汇总数据",
  found: "发现问题",
  rectified: "已整改",
  closed: "已销项",
  open: "未销项",
  overdue: "超期",
  awaiting: "待验收",
  rebound: "反弹",
  rate: "整改率",
  definitions: "指标口径",
  sheets: "工作表说明",
} as const;

/** The cover's note on times: "表中时间均为北京时间（UTC+8）". */
export function timeZoneNote(zone: string): string {
  return `表中时间均为${zone}`;
}

/** The cover's guide to each table sheet; 打印版 names how many issues show thumbnails. */
export function sheetGuide(
  thumbnailIssues: number,
): Readonly<Record<"print" | "issues" | "events" | "grids" | "indicators", string>> {
  return {
    print: `打印用：每个问题一行，只列核查需要的十项和整改前、整改后照片的缩略图（前 ${thumbnailIssues} 个问题），A4 横向，每页重复表头、标注页码`,
    issues:
      "封面各项数字所计的全部问题，每个一行：期内上报的、统计时点未销项的和期内销项的；状态为统计时点的状态；统计时点超期的问题整行以浅红色标出；照片列链接到同一文件夹下“照片”中的文件，解压后点击即可查看",
    events: "每个问题的每一步处置（上报、派单、接单、整改、验收等）",
    grids: "按网格统计发现、整改、未销项和超期问题，末行为全单位合计",
    indicators: "本单位及直接下级单位（含部门）的考核指标：立案、处置、结案、返工、延期、挂账、超期和综合指标值",
  };
}

/** The ledger's file name without extension: "幸福里社区台账_2026-11-01至2026-11-22". */
export function ledgerFileBase(unitName: string, period: string): string {
  return `${unitName}台账_${period}`;
}
