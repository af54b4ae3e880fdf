/** The words of the statistics (reports/stats.ts) beyond the metrics themselves. */
import type { CompositeWeights, Indicators } from "../domain/metrics.ts";
import { formatDecimal, formatRate } from "./messages.ts";

/**
 * What the figures beyond the metrics mean, one line each, for the ledger cover and the digest footer (next to
 * METRICS_DEFINITION in texts/messages.ts).
 */
export const STATS_DEFINITIONS: readonly string[] = [
  "发现 = 期内上报的问题，不含不予受理和重复；整改 = 期内整改且未被驳回的问题；销项 = 期内验收通过的问题",
  "未销项、待验收、超期均按统计时点计算：期间已结束的按期末，未结束的按当前；期末之后上报的问题不计入，期末之后才销项的仍计为未销项",
  "累计整改率 = 从最早的问题起至期末计算的整改率",
];

/** A period of several days: "2026-11-01 至 2026-11-22". */
export function dateRange(first: string, last: string): string {
  return `${first} 至 ${last}`;
}

/** A calendar month for people: "2026年11月". */
export function monthName(year: number, month: number): string {
  return `${year}年${month}月`;
}

/** What the 统计 command calls each period. */
export const PERIOD_NAMES = { today: "今日", week: "本周", month: "本月" } as const;

/** The 统计 command's lines for one unit. */
export const STATS_LINES = {
  heading: (unit: string, period: string, range: string) => `${unit} · ${period}（${range}）`,
  found: (s: { found: number; dynamic: number; static: number; rectified: number; closed: number; rebound: number }) =>
    `发现 ${s.found} 件（动态 ${s.dynamic} · 静态 ${s.static}），整改 ${s.rectified}，销项 ${s.closed}，反弹 ${s.rebound}`,
  open: (open: number, byStatus: string, overdue: number) => `未销项 ${open} 件：${byStatus}；其中超期 ${overdue}`,
  rate: (rate: string, cumulative: string) => `整改率 ${rate}（累计 ${cumulative}）`,
  duration: (label: string, average: string, median: string) => `平均${label} ${average}（中位数 ${median}）`,
  indicators: (line: string) => `考核指标：${line}`,
  /** The durations on one line. */
  join: (parts: readonly string[]) => parts.join("，"),
} as const;

/** The campaign indicators (behaviour §8.6, docs/indicators.md) in the order every table shows them. */
export const INDICATOR_KEYS = [
  "composite",
  "filed",
  "dueDisposal",
  "disposed",
  "disposedOnTime",
  "disposalRate",
  "onTimeDisposalRate",
  "dueClosure",
  "closed",
  "closedOnTime",
  "closureRate",
  "onTimeClosureRate",
  "rework",
  "reworkRate",
  "extensions",
  "parked",
  "overdueNow",
  "overdueEver",
] as const satisfies readonly (keyof Indicators)[];
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

/** Each indicator's name, as the district platform names it. */
export const INDICATOR_LABELS: Readonly<Record<IndicatorKey, string>> = {
  composite: "综合指标值",
  filed: "立案数",
  dueDisposal: "应处置数",
  disposed: "处置数",
  disposedOnTime: "按期处置数",
  disposalRate: "处置率",
  onTimeDisposalRate: "按期处置率",
  dueClosure: "应结案数",
  closed: "结案数",
  closedOnTime: "按期结案数",
  closureRate: "结案率",
  onTimeClosureRate: "按期结案率",
  rework: "返工数",
  reworkRate: "返工率",
  extensions: "延期数",
  parked: "挂账数",
  overdueNow: "超期数（当前）",
  overdueEver: "超期数（期内）",
};

const RATE_KEYS: ReadonlySet<IndicatorKey> = new Set([
  "disposalRate",
  "onTimeDisposalRate",
  "closureRate",
  "onTimeClosureRate",
  "reworkRate",
]);

/** One indicator's value for people: a rate as "75%", 综合指标值 as "86.7", a count as "12"; "—" for none. */
export function indicatorValue(indicators: Indicators, key: IndicatorKey): string {
  const value = indicators[key];
  if (value === null) return "—";
  if (RATE_KEYS.has(key)) return formatRate(value);
  return key === "composite" ? formatDecimal(value) : String(value);
}

/** The indicators a line about one unit shows (digest, 统计): the score, then what it is made of. */
const LINE_KEYS: readonly IndicatorKey[] = [
  "composite",
  "filed",
  "onTimeDisposalRate",
  "closureRate",
  "reworkRate",
  "extensions",
  "parked",
  "overdueNow",
];

/** "综合指标值 86.7 · 立案数 12 · 按期处置率 75% · 结案率 70% · 返工率 5% · 延期数 1 · 挂账数 0 · 超期数（当前） 2". */
export function indicatorLine(indicators: Indicators): string {
  return LINE_KEYS.map((key) => `${INDICATOR_LABELS[key]} ${indicatorValue(indicators, key)}`).join(" · ");
}

/** Every indicator, one per line: "按期处置率 75%（3/4）" with the counts behind each rate. */
export function indicatorLines(i: Indicators): string[] {
  const terms: Partial<Record<IndicatorKey, string>> = {
    disposalRate: `（${i.disposed}/${i.dueDisposal}）`,
    onTimeDisposalRate: `（${i.disposedOnTime}/${i.dueDisposal}）`,
    closureRate: `（${i.closed}/${i.dueClosure}）`,
    onTimeClosureRate: `（${i.closedOnTime}/${i.dueClosure}）`,
    reworkRate: `（${i.rework}/${i.disposed}）`,
  };
  return INDICATOR_KEYS.map((key) => `${INDICATOR_LABELS[key]} ${indicatorValue(i, key)}${terms[key] ?? ""}`);
}

/** 综合指标值's formula with its weights, for footers and the ledger. */
export function compositeFormula(w: CompositeWeights): string {
  return `综合指标值 = 按期处置率×${formatDecimal(w.onTimeDisposal)} + 结案率×${formatDecimal(w.closure)} + （1−返工率）×${formatDecimal(w.noRework)}`;
}
