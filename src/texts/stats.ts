/** The words of the statistics (reports/stats.ts) beyond the metrics themselves. */

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
  /** The durations on one line. */
  join: (parts: readonly string[]) => parts.join("，"),
} as const;
