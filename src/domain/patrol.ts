/**
 * The rules of 三级巡查 (behaviour §14): how often a plan asks for a visit, which span of time one visit answers for,
 * and on which day a span's visit is last due. Pure functions of the calendar (working days and holidays from
 * deadline.ts), so coverage means the same in the digest, 待办, the weekly table and the 巡查日报.
 */

import { DEFAULT_TIME_ZONE, isWorkingDay, localDateString, localPeriod, type Period, startOfDate } from "./deadline.ts";
import type { PatrolFrequency } from "./types.ts";

/** The local day containing `instant`. */
function dayOf(instant: Date, timeZone: string): Period {
  return localPeriod(instant, "day", timeZone);
}

/** The half month (the 1st–15th, or the 16th to the month's end) containing `instant`. */
function halfMonthOf(instant: Date, timeZone: string): Period {
  const month = localPeriod(instant, "month", timeZone);
  const sixteenth = startOfDate(`${localDateString(month.from, timeZone).slice(0, 8)}16`, timeZone);
  return instant < sixteenth ? { from: month.from, to: sixteenth } : { from: sixteenth, to: month.to };
}

/**
 * The span one visit answers for under `frequency`, containing `instant`: the day (daily, working days), the week
 * Monday to Sunday (weekly), or the half month (twice a month).
 */
export function patrolSpan(frequency: PatrolFrequency, instant: Date, timeZone: string = DEFAULT_TIME_ZONE): Period {
  switch (frequency) {
    case "daily":
    case "workdays":
      return dayOf(instant, timeZone);
    case "weekly":
      return localPeriod(instant, "week", timeZone);
    case "twice_monthly":
      return halfMonthOf(instant, timeZone);
  }
}

/**
 * The day a span's visit is last due: the day itself for a daily plan; for the others the span's last working day
 * (its last day when it has none, as in a week of the Spring Festival holiday). Null for a working-days plan on a
 * day off: that day asks for no visit.
 */
export function lastDueDay(
  frequency: PatrolFrequency,
  instant: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): Period | null {
  if (frequency === "daily") return dayOf(instant, timeZone);
  if (frequency === "workdays") return isWorkingDay(instant, timeZone) ? dayOf(instant, timeZone) : null;
  const span = patrolSpan(frequency, instant, timeZone);
  const last = dayOf(new Date(span.to.getTime() - 1), timeZone);
  for (let day = last; day.from >= span.from; day = dayOf(new Date(day.from.getTime() - 1), timeZone)) {
    if (isWorkingDay(day.from, timeZone)) return day;
  }
  return last;
}

/** Whether a plan asks for a visit on the day of `instant` (a working-days plan does not on a day off). */
export function asksForVisitOn(
  frequency: PatrolFrequency,
  instant: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): boolean {
  return frequency !== "workdays" || isWorkingDay(instant, timeZone);
}

/**
 * The spans of a plan whose visit is last due within `period` (whole local days): a week's 每天 plan has seven, its
 * 工作日 plan one per working day, its 每周 plan one. These are what coverage counts: each is met by a visit inside it.
 */
export function spansDueIn(frequency: PatrolFrequency, period: Period, timeZone: string = DEFAULT_TIME_ZONE): Period[] {
  const spans: Period[] = [];
  for (let day = dayOf(period.from, timeZone); day.from < period.to; day = dayOf(day.to, timeZone)) {
    const last = lastDueDay(frequency, day.from, timeZone);
    if (last && last.from.getTime() === day.from.getTime()) spans.push(patrolSpan(frequency, day.from, timeZone));
  }
  return spans;
}
