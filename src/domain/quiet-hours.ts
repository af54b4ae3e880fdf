import type { QuietHours } from "./clock-settings.ts";
import { localDayMs } from "./deadline.ts";

const MINUTE_MS = 60_000;

/** Minutes since local midnight of `instant` in `timeZone`. */
export function minutesOfDay(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  return Math.floor((t - localDayMs(t, timeZone).from) / MINUTE_MS);
}

/** Whether `instant` falls in the quiet hours (start inclusive, end exclusive; a span may wrap over midnight). */
export function isQuietAt(instant: Date, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const m = minutesOfDay(instant, timeZone);
  return quiet.start < quiet.end ? m >= quiet.start && m < quiet.end : m >= quiet.start || m < quiet.end;
}

/** The quiet stretch that contains `instant` — from the start of the quiet hours to their end — or null. */
function quietStretch(instant: Date, quiet: QuietHours | null, timeZone: string): { start: Date; end: Date } | null {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return null;
  const midnight = localDayMs(instant.getTime(), timeZone).from;
  const startToday = midnight + quiet.start * MINUTE_MS;
  const start =
    startToday <= instant.getTime() ? startToday : localDayMs(midnight - 1, timeZone).from + quiet.start * MINUTE_MS;
  return { start: new Date(start), end: afterQuietHours(instant, quiet, timeZone) };
}

/** How long before quiet hours begin the reminder of a deadline inside them is sent. */
export const BEFORE_QUIET_MS = 60 * MINUTE_MS;

/**
 * When the reminder `beforeHours` ahead of a deadline is due: then — unless the deadline falls in quiet hours and
 * that instant would too, when it would wait for their end, after the deadline. Then it comes an hour before those
 * quiet hours begin (a deadline at 23:00 is reminded at 20:00), while people can still act.
 */
export function beforeDeadlineAt(
  deadline: Date,
  beforeHours: number,
  quiet: QuietHours | null,
  timeZone: string,
): Date {
  const at = new Date(deadline.getTime() - beforeHours * 60 * MINUTE_MS);
  const stretch = quietStretch(deadline, quiet, timeZone);
  if (!stretch || at.getTime() < stretch.start.getTime()) return at;
  return new Date(stretch.start.getTime() - BEFORE_QUIET_MS);
}

/**
 * When something due at `instant` may be sent: `instant` itself outside the quiet hours, otherwise the end of the
 * quiet hours it falls in (a deadline at 23:00 is reminded at 08:00 the next morning).
 */
export function afterQuietHours(instant: Date, quiet: QuietHours | null, timeZone: string): Date {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return instant;
  const today = localDayMs(instant.getTime(), timeZone);
  const endToday = today.from + quiet.end * MINUTE_MS;
  if (endToday > instant.getTime()) return new Date(endToday);
  return new Date(localDayMs(today.to, timeZone).from + quiet.end * MINUTE_MS);
}
