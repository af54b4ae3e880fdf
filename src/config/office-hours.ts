/**
 * Office hours (办公时间), the hours a 工作时 time limit counts on working days: spans of the local day, such as
 * "08:30-12:00,13:30-17:30" (morning and afternoon, the lunch break between them not counted).
 */

/** One span of office hours, in minutes after local midnight: from `from` (inclusive) to `to` (exclusive). */
export interface OfficeSpan {
  from: number;
  to: number;
}

/** The spans of a working day that count, in order and not overlapping; never empty. */
export type OfficeHours = readonly OfficeSpan[];

/** What RIQING_OFFICE_HOURS is unless set: 8:30–12:00 and 13:30–17:30, the usual hours of a street office. */
export const DEFAULT_OFFICE_HOURS_TEXT = "08:30-12:00,13:30-17:30";

/** "08:30-12:00": colons half- or full-width (\uFF1A), a hyphen, en dash or tilde between. */
const SPAN = /^(\d{1,2})[:\uFF1A](\d{2})\s*[-\u2013~]\s*(\d{1,2})[:\uFF1A](\d{2})$/;
/** Commas half- or full-width (\uFF0C), semicolons (\uFF1B) or the enumeration comma 、 (\u3001). */
const SEPARATORS = /[,\uFF0C;\uFF1B\u3001]/;

function minutes(hours: string, mins: string): number | null {
  const h = Number(hours);
  const m = Number(mins);
  if (m > 59 || h > 24 || (h === 24 && m > 0)) return null;
  return h * 60 + m;
}

/**
 * Office hours from text: spans "HH:MM-HH:MM" separated by commas (half- or full-width), 、 or semicolons, in any
 * order. Null when a span is malformed, empty or reversed, or two spans overlap.
 */
export function parseOfficeHours(text: string): OfficeHours | null {
  const parts = text
    .split(SEPARATORS)
    .map((s) => s.trim())
    .filter(Boolean);
  const spans: OfficeSpan[] = [];
  for (const part of parts) {
    const match = SPAN.exec(part);
    if (!match) return null;
    const from = minutes(match[1] as string, match[2] as string);
    const to = minutes(match[3] as string, match[4] as string);
    if (from === null || to === null || from >= to) return null;
    spans.push({ from, to });
  }
  if (spans.length === 0) return null;
  spans.sort((a, b) => a.from - b.from);
  for (let i = 1; i < spans.length; i++) {
    if ((spans[i] as OfficeSpan).from < (spans[i - 1] as OfficeSpan).to) return null;
  }
  return spans;
}

/** The default office hours, parsed. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = parseOfficeHours(DEFAULT_OFFICE_HOURS_TEXT) ?? [];
