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
