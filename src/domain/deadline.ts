import calendar from "chinese-days/dist/chinese-days.json" with { type: "json" };

/** The time zone Riqing counts days in unless configured otherwise (RIQING_TIMEZONE). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

const HOUR_MS = 3_600_000;

/**
 * Public holidays and make-up workdays by YYYY-MM-DD, from chinese-days' published table. Its functions read dates
 * through the process's local time zone and go wrong west of UTC, so the table is looked up directly.
 */
const { holidays, workdays }: { holidays: Record<string, string>; workdays: Record<string, string> } = calendar;

/** A half-open span of time [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/** How a deadline is counted. */
export interface DeadlineOptions {
  /** Count only working days: weekdays that are not public holidays, plus make-up workdays (调休/补班). */
  workingDays: boolean;
  /** 紧急: halves the time allowed. */
  urgent?: boolean;
  timeZone?: string;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The offset of `timeZone` from UTC at `instant` (a whole second), read from Intl: the costly way. */
function formattedOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) - instant;
}

/**
 * Offsets are kept per quarter hour of UTC: zones change their offset on quarter hours (their offsets being whole
 * quarter hours), so one reading serves a whole quarter — checked at both of its ends, and not kept where they differ
 * (local mean time before 1900 changed at odd seconds). A sweep reads the wall clock for thousands of deadlines; this
 * spares it a formatToParts each time.
 */
const QUARTER_MS = 15 * 60_000;
const offsetsByQuarter = new Map<string, Map<number, number>>();
/** Quarters kept per zone, about a year's: the table is emptied when it fills up. */
const MAX_QUARTERS = 40_000;

/** The offset of `timeZone` from UTC at `instant` (wall clock minus instant, to the second), in milliseconds. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const wholeSeconds = Math.floor(instant / 1000) * 1000;
  const quarter = Math.floor(wholeSeconds / QUARTER_MS);
  let zone = offsetsByQuarter.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsetsByQuarter.set(timeZone, zone);
  }
  const known = zone.get(quarter);
  if (known !== undefined) return known;
  const start = formattedOffsetMs(quarter * QUARTER_MS, timeZone);
  const end = formattedOffsetMs((quarter + 1) * QUARTER_MS - 1000, timeZone);
  if (start !== end) return formattedOffsetMs(wholeSeconds, timeZone);
  if (zone.size >= MAX_QUARTERS) zone.clear();
  zone.set(quarter, start);
  return start;
}

/** The wall-clock reading of `instant` in `timeZone`, as if it were UTC, in milliseconds (seconds precision). */
function wallClockMs(instant: number, timeZone: string): number {
  const wholeSeconds = Math.floor(instant / 1000) * 1000;
  return wholeSeconds + zoneOffsetMs(wholeSeconds, timeZone);
}

function calendarDateOf(instant: Date, timeZone: string): CalendarDate {
  const wall = new Date(wallClockMs(instant.getTime(), timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The calendar date `days` after `date` (negative for before); month and year lengths handled by Date.UTC. */
function addDays({ year, month, day }: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The instant local midnight begins on `date` in `timeZone`. */
function startOfCalendarDate({ year, month, day }: CalendarDate, timeZone: string): Date {
  const wallMidnight = Date.UTC(year, month - 1, day);
  const firstGuess = wallMidnight - zoneOffsetMs(wallMidnight, timeZone);
  // The offset at the true instant may differ from the one at the guess when a DST change lies between them.
  return new Date(wallMidnight - zoneOffsetMs(firstGuess, timeZone));
}

function formatCalendarDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
function weekdayOf({ year, month, day }: CalendarDate): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function isWorkingCalendarDate(date: CalendarDate): boolean {
  const key = formatCalendarDate(date);
  if (key in workdays) return true;
  const weekday = weekdayOf(date);
  return weekday >= 1 && weekday <= 5 && !(key in holidays);
}

/** The local calendar date of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDateString(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatCalendarDate(calendarDateOf(instant, timeZone));
}

/** The instant the calendar date `date` (YYYY-MM-DD) begins in `timeZone`. Throws RangeError on a malformed date. */
export function startOfDate(date: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const calendarDate = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    // Date.UTC rolls 02-30 over into March; a date that survives the round trip unchanged is real.
    const { month, day } = addDays(calendarDate, 0);
    if (month === calendarDate.month && day === calendarDate.day) return startOfCalendarDate(calendarDate, timeZone);
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
}

/** The local day, week (Monday to Sunday) or month containing `instant`, as a half-open period — 今日/本周/本月. */
export function localPeriod(
  instant: Date,
  unit: "day" | "week" | "month",
  timeZone: string = DEFAULT_TIME_ZONE,
): Period {
  const date = calendarDateOf(instant, timeZone);
  const span = (first: CalendarDate, next: CalendarDate): Period => ({
    from: startOfCalendarDate(first, timeZone),
    to: startOfCalendarDate(next, timeZone),
  });
  switch (unit) {
    case "day":
      return span(date, addDays(date, 1));
    case "week": {
      const monday = addDays(date, -((weekdayOf(date) + 6) % 7));
      return span(monday, addDays(monday, 7));
    }
    case "month":
      // Adding no days normalises month 13 into January of the next year.
      return span({ ...date, day: 1 }, addDays({ year: date.year, month: date.month + 1, day: 1 }, 0));
  }
}

/** The instant the local day containing `instant` began (local midnight). */
export function startOfLocalDay(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return localPeriod(instant, "day", timeZone).from;
}

/** The instant the local week containing `instant` began (Monday, local midnight). */
export function startOfLocalWeek(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return localPeriod(instant, "week", timeZone).from;
}

/** The instant the local month containing `instant` began (the 1st, local midnight). */
export function startOfLocalMonth(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return localPeriod(instant, "month", timeZone).from;
}

/**
 * Whether the local calendar date of `instant` is a working day in mainland China: a weekday that is not a public
 * holiday, or a make-up workday (调休/补班). Years chinese-days does not know yet count plain weekdays.
 */
export function isWorkingDay(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): boolean {
  return isWorkingCalendarDate(calendarDateOf(instant, timeZone));
}

/**
 * The deadline for an issue started at `start` with `hours` allowed (halved when urgent). Without working days it is
 * simply `start + hours`. With working days the clock runs only during working days in the time zone; a start on a
 * non-working day begins counting at local midnight of the next working day. Throws RangeError for negative or
 * non-finite hours.
 */
export function computeDeadline(start: Date, hours: number, opts: DeadlineOptions): Date {
  if (!Number.isFinite(hours) || hours < 0) {
    throw new RangeError(`Deadline hours must be a non-negative number: ${hours}`);
  }
  const allowedMs = (opts.urgent ? hours / 2 : hours) * HOUR_MS;
  if (!opts.workingDays) return new Date(start.getTime() + allowedMs);

  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  let remaining = allowedMs;
  let cursor = start.getTime();
  let date = calendarDateOf(start, timeZone);
  for (;;) {
    const next = addDays(date, 1);
    const dayEnd = startOfCalendarDate(next, timeZone).getTime();
    if (isWorkingCalendarDate(date)) {
      if (cursor + remaining <= dayEnd) return new Date(cursor + remaining);
      remaining -= dayEnd - cursor;
    }
    cursor = dayEnd;
    date = next;
  }
}

/** The instant as ISO 8601 with the local offset and no fractions, e.g. "2026-11-23T09:05:00+08:00" (W3C format). */
export function isoWithOffset(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offset = zoneOffsetMs(seconds, timeZone);
  const wall = new Date(seconds + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset > 0 ? "+" : "-";
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
