/**
 * The durations (响应用时, 整改用时, 办结用时) worked out independently of the product, for the city section's SQL
 * cross-checks: each issue's duration counted as its limit counts it (behaviour §8.7), day by day. Shanghai keeps
 * UTC+8 all year (no daylight saving since 1991), chinese-days' tables are read directly and the default office hours
 * are written out here — nothing of src/domain/deadline.ts, which it checks.
 */

import calendar from "chinese-days/dist/chinese-days.json" with { type: "json" };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHANGHAI = 8 * HOUR;
/** RIQING_OFFICE_HOURS' default, 08:30–12:00 and 13:30–17:30, in hours after local midnight. */
const OFFICE_HOURS: readonly (readonly [number, number])[] = [
  [8.5, 12],
  [13.5, 17.5],
];
const WHOLE_DAY: readonly (readonly [number, number])[] = [[0, 24]];

const { holidays, workdays }: { holidays: Record<string, string>; workdays: Record<string, string> } = calendar;
const workingDays = new Map<number, boolean>();

/** Whether the local day starting at `wallMidnight` (Shanghai wall clock read as UTC) is a working day. */
function isWorkingDay(wallMidnight: number): boolean {
  let working = workingDays.get(wallMidnight);
  if (working === undefined) {
    const date = new Date(wallMidnight);
    const key = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay();
    working = key in workdays || (weekday >= 1 && weekday <= 5 && !(key in holidays));
    workingDays.set(wallMidnight, working);
  }
  return working;
}

/**
 * Hours from `from` to `to` (epoch ms, from ≤ to) for an issue whose limit is in `unit`: office hours of working days
 * for 工作时, whole working days for 工作日, every hour otherwise (自然时, 自然日, no category).
 */
export function oracleHours(from: number, to: number, unit: string | null): number {
  if (unit !== "work_hours" && unit !== "work_days") return (to - from) / HOUR;
  const spans = unit === "work_hours" ? OFFICE_HOURS : WHOLE_DAY;
  const start = from + SHANGHAI;
  const end = to + SHANGHAI;
  let counted = 0;
  for (let day = Math.floor(start / DAY) * DAY; day < end; day += DAY) {
    if (!isWorkingDay(day)) continue;
    for (const [open, close] of spans) {
      counted += Math.max(0, Math.min(end, day + close * HOUR) - Math.max(start, day + open * HOUR));
    }
  }
  return counted / HOUR;
}

/** Count, mean and median of some hours; null mean and median when there are none. */
export function oracleSummary(hours: number[]): {
  count: number;
  averageHours: number | null;
  medianHours: number | null;
} {
  if (hours.length === 0) return { count: 0, averageHours: null, medianHours: null };
  const sorted = [...hours].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return {
    count: sorted.length,
    averageHours: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    medianHours: median ?? null,
  };
}
