/**
 * Numbers, ids and dates from chat text and card values, checked (zod) before anything queries with them
 * (behaviour §5.3). A chat parse that fails carries the answer to send: one Chinese sentence saying what was wrong and
 * what to write.
 */

import { z } from "zod";
import { localPeriod, type Period, startOfDate } from "../domain/deadline.ts";
import { DATE_ANSWERS } from "../texts/extension.ts";
import { TEXTS } from "../texts/messages.ts";
import { monthName } from "../texts/stats.ts";
import { CALENDAR_DATE, CALENDAR_MONTH, STATS_PERIOD_WORDS } from "../texts/words.ts";

/** The highest issue number 查 and 合并 accept: nine digits, well inside every database's integer column. */
export const MAX_ISSUE_NUMBER = 999_999_999;
/** Row ids are 32-bit integers (PostgreSQL's `integer`). */
const MAX_RECORD_ID = 2_147_483_647;
/** The years a date typed in chat may fall in. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;

/** What a chat parse gives: the value, or the answer to send instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; answer: string };

/** A row id in a card's value or a select's option — a number or its digits — that a row can have. */
export const recordId = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().positive().max(MAX_RECORD_ID));

/** Full-width digits, ＃ and ～ as their ASCII forms, as people type them on Chinese keyboards. */
function halfWidth(text: string): string {
  return text.normalize("NFKC").trim();
}

const issueNumber = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(MAX_ISSUE_NUMBER));

/**
 * The issue number a text opens with ("#1024", "1024", "＃１０２４ 的情况"); null when it opens with neither "#" nor
 * a digit (no number named). `example` is the command as it should be written, for the answer.
 */
export function parseIssueNumber(text: string, example: string): Parsed<number> | null {
  const normalized = halfWidth(text);
  if (!/^[#\d]/.test(normalized)) return null;
  const token = normalized.replace(/^#\s*/, "").split(/\s/)[0] ?? "";
  const parsed = issueNumber.safeParse(token);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, answer: TEXTS.badIssueNumber(MAX_ISSUE_NUMBER, example) };
}

/** "2026-11-23", "2026-11-1", "2026/11/1", "2026年11月1日" as YYYY-MM-DD; `formatAnswer` when it is none of those. */
function calendarDate(formatAnswer: string) {
  return z.string().transform((text, ctx) => {
    const match = CALENDAR_DATE.exec(halfWidth(text));
    if (!match) {
      ctx.addIssue({ code: "custom", message: formatAnswer });
      return z.NEVER;
    }
    const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
    const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      ctx.addIssue({ code: "custom", message: TEXTS.dateOutOfRange(FIRST_YEAR, LAST_YEAR) });
      return z.NEVER;
    }
    try {
      startOfDate(date);
    } catch {
      ctx.addIssue({ code: "custom", message: TEXTS.noSuchDate(date) });
      return z.NEVER;
    }
    return date;
  });
}

/** The parsed value, or the message of the first issue (every issue of these schemas carries a Chinese answer). */
function answerOf<T>(result: z.ZodSafeParseResult<T>, fallback: string): Parsed<T> {
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, answer: result.error.issues[0]?.message ?? fallback };
}

/** A calendar date typed in chat, as YYYY-MM-DD: a real day between 2000 and 2099. */
export function parseCalendarDate(text: string, formatAnswer: string): Parsed<string> {
  return answerOf(calendarDate(formatAnswer).safeParse(text), formatAnswer);
}

/** The days `from` to `to`, both included, as a half-open period in `timeZone`; the start may not follow the end. */
export function parseDateRange(from: string, to: string, timeZone: string, formatAnswer: string): Parsed<Period> {
  const dates = answerOf(
    z.tuple([calendarDate(formatAnswer), calendarDate(formatAnswer)]).safeParse([from, to]),
    formatAnswer,
  );
  if (!dates.ok) return dates;
  const [first, last] = dates.value;
  if (first > last) return { ok: false, answer: TEXTS.reversedPeriod(first, last) };
  const end = localPeriod(startOfDate(last, timeZone), "day", timeZone).to;
  return { ok: true, value: { from: startOfDate(first, timeZone), to: end } };
}

/** What 统计 may be asked for: 今日, 本周, 本月, or a calendar month ("2026-11"), with its name for the answer. */
export type StatsRequest = { spec: "today" | "week" | "month" } | { month: Period; name: string };

/**
 * The period of 统计's argument (behaviour §5.4): a period word, or a month from 2000 to 2099 that has begun at
 * `now`; anything else is answered with how to write it.
 */
export function parseStatsRequest(text: string, now: Date, timeZone: string): Parsed<StatsRequest> {
  const normalized = halfWidth(text).toLowerCase();
  const spec = STATS_PERIOD_WORDS[normalized];
  if (spec) return { ok: true, value: { spec } };
  const match = CALENDAR_MONTH.exec(normalized);
  if (!match) return { ok: false, answer: TEXTS.badStatsPeriod };
  const [year, month] = match.slice(1).map(Number) as [number, number];
  if (year < FIRST_YEAR || year > LAST_YEAR) return { ok: false, answer: TEXTS.dateOutOfRange(FIRST_YEAR, LAST_YEAR) };
  if (month < 1 || month > 12) return { ok: false, answer: TEXTS.badStatsPeriod };
  const first = startOfDate(`${year}-${String(month).padStart(2, "0")}-01`, timeZone);
  if (first.getTime() > now.getTime()) return { ok: false, answer: TEXTS.monthNotBegun(monthName(year, month)) };
  return { ok: true, value: { month: localPeriod(first, "month", timeZone), name: monthName(year, month) } };
}

/** The calendar day `days` after `date` (both YYYY-MM-DD). */
function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A later day typed on a card (behaviour §2.18) — the day an extension asks for, the day a 挂账/缓办 waits for — as
 * YYYY-MM-DD: written as §5.3 says, after `after` (today, or the day of the deadline it extends) and at most
 * `maxDays` after today. Anything else is answered in one sentence.
 */
export function parseLaterDate(
  text: string,
  bounds: { today: string; after: string; maxDays: number },
): Parsed<string> {
  const last = daysAfter(bounds.today, bounds.maxDays);
  const later = calendarDate(DATE_ANSWERS.format).superRefine((date, ctx) => {
    if (date <= bounds.after) {
      const message =
        bounds.after === bounds.today ? DATE_ANSWERS.notAfterToday : DATE_ANSWERS.notAfterDeadline(bounds.after);
      ctx.addIssue({ code: "custom", message });
    } else if (date > last) {
      ctx.addIssue({ code: "custom", message: DATE_ANSWERS.tooFar(bounds.maxDays, last) });
    }
  });
  return answerOf(later.safeParse(text), DATE_ANSWERS.format);
}
