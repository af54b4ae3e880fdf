/**
 * The periods a 工作简报 reports on (behaviour §15): a local week (Monday to Sunday) or a local month, the period
 * before it (环比) and the same period a year earlier (同比).
 */

import { localDateString, localPeriod, type Period, startOfDate } from "./deadline.ts";

/** How often a briefing comes out. */
export const CADENCES = ["week", "month"] as const;
export type Cadence = (typeof CADENCES)[number];

/** The week or month containing `instant`. */
export function briefingPeriod(cadence: Cadence, instant: Date, timeZone: string): Period {
  return localPeriod(instant, cadence, timeZone);
}

/** The period just before `period` (of the same cadence): 上周, 上月. */
export function previousPeriod(cadence: Cadence, period: Period, timeZone: string): Period {
  return briefingPeriod(cadence, new Date(period.from.getTime() - 1), timeZone);
}

/** The last period that has ended at `now`: last week on a Monday, last month on the 1st. */
export function lastEndedPeriod(cadence: Cadence, now: Date, timeZone: string): Period {
  return previousPeriod(cadence, briefingPeriod(cadence, now, timeZone), timeZone);
}

/**
 * The same period a year earlier: the same month of the year before, or the week containing the same date a year
 * earlier (29 February read as the 28th).
 */
export function samePeriodLastYear(cadence: Cadence, period: Period, timeZone: string): Period {
  const [year = "", month = "", day = ""] = localDateString(period.from, timeZone).split("-");
  const date = `${Number(year) - 1}-${month}-${month === "02" && day === "29" ? "28" : day}`;
  return briefingPeriod(cadence, startOfDate(date, timeZone), timeZone);
}

/**
 * Which week or month of its year a period is, as its masthead says: the month (1–12), or the ISO week number of
 * its Monday, with the ISO year it belongs to.
 */
export function indexInYear(cadence: Cadence, period: Period, timeZone: string): { year: number; index: number } {
  const [y = "", m = "", d = ""] = localDateString(period.from, timeZone).split("-");
  if (cadence === "month") return { year: Number(y), index: Number(m) };
  // ISO 8601: week 1 is the week with the year's first Thursday; the Thursday of a week decides its year.
  const thursday = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + 3));
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(4 - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const index = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return { year, index };
}
