/** Small statistics helpers for the benchmark: percentiles, summaries and rounding for the printed table. */

/** Percentiles and extremes of a sample, in the sample's unit. */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The p-th percentile (0–100) of an ascending array, by the nearest-rank method; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Count, mean, p50, p90, p99 and max of the values (any order). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Rounds to `digits` decimals; NaN and infinities become null so the JSON stays valid. */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Rounds every number of a summary (for JSON output). */
export function roundSummary(summary: Summary, digits = 1): Record<keyof Summary, number | null> {
  return {
    count: summary.count,
    mean: round(summary.mean, digits),
    p50: round(summary.p50, digits),
    p90: round(summary.p90, digits),
    p99: round(summary.p99, digits),
    max: round(summary.max, digits),
  };
}

/** Wall-clock milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Times an async function; resolves with its result and the elapsed milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Resident set size of this process in MB. */
export function rssMB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Peak resident set size of this process so far in MB (getrusage's ru_maxrss). */
export function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
