import calendar from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { DEFAULT_OFFICE_HOURS, type OfficeHours } from "../config/office-hours.ts";

/** The time zone Riqing counts days in unless configured otherwise (RIQING_TIMEZONE). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

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

/**
 * The units a time limit is counted in: 自然时 (hours, round the clock), 工作时 (hours counted only in office hours
 * on working days), 工作日 (whole days counted only on working days: the clock stops outside them) and 自然日 (days,
 * round the clock).
 */
export const LIMIT_UNITS = ["natural_hours", "work_hours", "work_days", "natural_days"] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** A category's time limit: `amount` of `unit`, e.g. 2 工作时. */
export interface TimeLimit {
  amount: number;
  unit: LimitUnit;
}

/** Where and when time counts: the time zone days are counted in, and the office hours of a working day. */
export interface CountingOptions {
  timeZone?: string;
  /** For 工作时; RIQING_OFFICE_HOURS, by default 08:30–12:00 and 13:30–17:30. */
  officeHours?: OfficeHours;
}

/** How a deadline is counted. */
export interface DeadlineOptions extends CountingOptions {
  /** 紧急: halves the time allowed. */
  urgent?: boolean;
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

/** A local day as Unix milliseconds, [from, to). */
export interface DayMs {
  readonly from: number;
  readonly to: number;
}

/**
 * Local days by zone and by the day's number on the wall clock (the calendar date, as Date.UTC of it divided by a
 * day): the sweeps ask for the day of an instant several times per issue (quiet hours, escalation slots). Emptied
 * when it fills up.
 */
const localDays = new Map<string, Map<number, DayMs>>();
const MAX_LOCAL_DAYS = 10_000;

/**
 * The local day containing `instant` (Unix milliseconds) in `timeZone`, as milliseconds: what localPeriod's day is,
 * without making Dates (the sweeps' quiet hours and slots ask for it some ten times per issue). The object is the
 * table's own, hence read-only.
 */
export function localDayMs(instant: number, timeZone: string): DayMs {
  let zone = localDays.get(timeZone);
  if (!zone) {
    zone = new Map();
    localDays.set(timeZone, zone);
  }
  const key = Math.floor(wallClockMs(instant, timeZone) / DAY_MS);
  let day = zone.get(key);
  if (!day) {
    const date = calendarDateOf(new Date(instant), timeZone);
    day = {
      from: startOfCalendarDate(date, timeZone).getTime(),
      to: startOfCalendarDate(addDays(date, 1), timeZone).getTime(),
    };
    if (zone.size >= MAX_LOCAL_DAYS) zone.clear();
    zone.set(key, day);
  }
  return day;
}

/** The local day, week (Monday to Sunday) or month containing `instant`, as a half-open period — 今日/本周/本月. */
export function localPeriod(
  instant: Date,
  unit: "day" | "week" | "month",
  timeZone: string = DEFAULT_TIME_ZONE,
): Period {
  if (unit === "day") {
    const day = localDayMs(instant.getTime(), timeZone);
    return { from: new Date(day.from), to: new Date(day.to) };
  }
  const date = calendarDateOf(instant, timeZone);
  const span = (first: CalendarDate, next: CalendarDate): Period => ({
    from: startOfCalendarDate(first, timeZone),
    to: startOfCalendarDate(next, timeZone),
  });
  switch (unit) {
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

/** The instant of the wall-clock time `minutes` after midnight on `date` in `timeZone`. */
function instantOnDate(date: CalendarDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  const firstGuess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(firstGuess, timeZone);
}

/**
 * The time that counts for a working-time unit, day by day from a first date on: each day's start, the time counted
 * before it, and its counted spans. Grown on demand (a year at a time, backwards by rebuilding) and kept per time
 * zone, unit and office hours, so counting across any stretch costs two binary searches and no date arithmetic.
 */
interface CountingTable {
  /** Local midnight of each day, epoch ms; one entry more than there are days (the next day's start). */
  starts: number[];
  /** Milliseconds counted before each day; one entry more than there are days (the total). */
  before: number[];
  /** Each day's counted spans, [from, to) in epoch ms. */
  spans: (readonly [number, number])[][];
  first: CalendarDate;
  next: CalendarDate;
  /** The spans of a working day, minutes after midnight. */
  daySpans: OfficeHours;
  timeZone: string;
}

const GROWTH_DAYS = 366;
/** A 工作日 counts the whole of a working day. */
const WHOLE_DAY: OfficeHours = [{ from: 0, to: 24 * 60 }];
const tables = new Map<string, CountingTable>();

function emptyTable(first: CalendarDate, daySpans: OfficeHours, timeZone: string): CountingTable {
  return {
    starts: [startOfCalendarDate(first, timeZone).getTime()],
    before: [0],
    spans: [],
    first,
    next: first,
    daySpans,
    timeZone,
  };
}

function growTable(table: CountingTable, days: number): void {
  for (let i = 0; i < days; i++) {
    const date = table.next;
    const start = table.starts.at(-1) as number;
    table.next = addDays(date, 1);
    const end = startOfCalendarDate(table.next, table.timeZone).getTime();
    // A day of 24 hours has no change of offset in it: its wall-clock times are its start plus the time of day.
    const at = (minutes: number) =>
      end - start === 24 * HOUR_MS ? start + minutes * 60_000 : instantOnDate(date, minutes, table.timeZone);
    const spans = isWorkingCalendarDate(date) ? table.daySpans.map((s) => [at(s.from), at(s.to)] as const) : [];
    table.spans.push(spans);
    table.starts.push(end);
    table.before.push((table.before.at(-1) as number) + spans.reduce((sum, [from, to]) => sum + (to - from), 0));
  }
}

const spanKeys = new WeakMap<OfficeHours, string>();

function spansKey(spans: OfficeHours): string {
  let key = spanKeys.get(spans);
  if (key === undefined) {
    key = spans.map((s) => `${s.from}-${s.to}`).join(",");
    spanKeys.set(spans, key);
  }
  return key;
}

/** The counting table for a working-time unit, covering `instant`. */
function tableCovering(instant: number, unit: "work_hours" | "work_days", opts: CountingOptions): CountingTable {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const daySpans = unit === "work_hours" ? (opts.officeHours ?? DEFAULT_OFFICE_HOURS) : WHOLE_DAY;
  const key = `${unit}|${timeZone}|${spansKey(daySpans)}`;
  let table = tables.get(key);
  if (!table || instant < (table.starts[0] as number)) {
    const first = addDays(calendarDateOf(new Date(instant), timeZone), -GROWTH_DAYS);
    const days = table ? daysBetween(first, table.next) : 2 * GROWTH_DAYS;
    table = emptyTable(first, daySpans, timeZone);
    growTable(table, days);
    tables.set(key, table);
  }
  while (instant >= (table.starts.at(-1) as number)) growTable(table, GROWTH_DAYS);
  return table;
}

function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / (24 * HOUR_MS),
  );
}

/** The index of the day containing `instant` (the last day whose start is not after it). */
function dayIndex(table: CountingTable, instant: number): number {
  let low = 0;
  let high = table.starts.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((table.starts[middle] as number) <= instant) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Milliseconds counted from the table's first day up to `instant`. */
function countedBefore(table: CountingTable, instant: number): number {
  const day = dayIndex(table, instant);
  let counted = table.before[day] as number;
  for (const [from, to] of table.spans[day] as (readonly [number, number])[]) {
    if (instant > from) counted += Math.min(instant, to) - from;
  }
  return counted;
}

/** The first instant by which `counted` milliseconds have counted (from the table's first day on). */
function instantWhenCounted(table: CountingTable, counted: number): number {
  while ((table.before.at(-1) as number) < counted) growTable(table, GROWTH_DAYS);
  // The first day by whose end `counted` is reached.
  let low = 0;
  let high = table.spans.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((table.before[middle + 1] as number) >= counted) high = middle;
    else low = middle + 1;
  }
  let reached = table.before[low] as number;
  for (const [from, to] of table.spans[low] as (readonly [number, number])[]) {
    if (reached + (to - from) >= counted) return from + (counted - reached);
    reached += to - from;
  }
  throw new Error("unreachable: the day found does not reach the time counted");
}

/** How many hours one of `unit` is. */
const UNIT_HOURS: Readonly<Record<LimitUnit, number>> = {
  natural_hours: 1,
  work_hours: 1,
  work_days: 24,
  natural_days: 24,
};

/**
 * The deadline for an issue started at `start` with `limit` allowed (halved when urgent): the instant by which that
 * much time has counted (behaviour §2.8, §2.20). 自然时 and 自然日 count round the clock; 工作日 count whole working days,
 * the clock stopping outside them, so a start on a non-working day begins counting at local midnight of the next
 * working day; 工作时 count only the office hours of working days, so a start outside them begins counting when
 * they next open, and a limit used up exactly at closing time ends then. Throws RangeError for a negative or
 * non-finite amount.
 */
export function computeDeadline(start: Date, limit: TimeLimit, opts: DeadlineOptions = {}): Date {
  if (!Number.isFinite(limit.amount) || limit.amount < 0) {
    throw new RangeError(`A time limit must be a non-negative number: ${limit.amount}`);
  }
  const allowedMs = (opts.urgent ? limit.amount / 2 : limit.amount) * UNIT_HOURS[limit.unit] * HOUR_MS;
  if (allowedMs === 0 || limit.unit === "natural_hours" || limit.unit === "natural_days") {
    return new Date(start.getTime() + allowedMs);
  }
  const table = tableCovering(start.getTime(), limit.unit, opts);
  return new Date(instantWhenCounted(table, countedBefore(table, start.getTime()) + allowedMs));
}

/**
 * The time from `from` to `to` counted as a limit in `unit` counts it, in hours: round the clock for 自然时 and
 * 自然日, on working days only for 工作日, in office hours on working days only for 工作时. Negative when `to` is
 * before `from`. For durations (响应用时, 整改用时, 办结用时) "in working time where the limit is working time".
 */
export function elapsedHours(from: Date, to: Date, unit: LimitUnit, opts: CountingOptions = {}): number {
  if (to < from) return -elapsedHours(to, from, unit, opts);
  if (unit === "natural_hours" || unit === "natural_days") return (to.getTime() - from.getTime()) / HOUR_MS;
  tableCovering(to.getTime(), unit, opts);
  const table = tableCovering(from.getTime(), unit, opts);
  return (countedBefore(table, to.getTime()) - countedBefore(table, from.getTime())) / HOUR_MS;
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
