import type { QuietHours } from "./clock-settings.ts";
import { localDayMs } from "./deadline.ts";

const MINUTE_MS = 60_000;

/** Minutes since local midnight of `instant` (Unix milliseconds) in `timeZone`. */
export function minutesOfDay(instant: number, timeZone: string): number {
  return Math.floor((instant - localDayMs(instant, timeZone).from) / MINUTE_MS);
}

/**
 * Whether `instant` (Unix milliseconds) falls in the quiet hours (start inclusive, end exclusive; a span may wrap over
 * midnight).
 */
export function isQuietAt(instant: number, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const m = minutesOfDay(instant, timeZone);
  return quiet.start < quiet.end ? m >= quiet.start && m < quiet.end : m >= quiet.start || m < quiet.end;
}

/** The start of the quiet stretch that contains `instant`, or null outside the quiet hours (Unix milliseconds). */
function quietStretchStart(instant: number, quiet: QuietHours | null, timeZone: string): number | null {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return null;
  const midnight = localDayMs(instant, timeZone).from;
  const startToday = midnight + quiet.start * MINUTE_MS;
  return startToday <= instant ? startToday : localDayMs(midnight - 1, timeZone).from + quiet.start * MINUTE_MS;
}

/** How long before quiet hours begin the reminder of a deadline inside them is sent. */
export const BEFORE_QUIET_MS = 60 * MINUTE_MS;

/**
 * When the reminder `beforeHours` ahead of a deadline is due: then — unless the deadline falls in quiet hours and
 * that instant would too, when it would wait for their end, after the deadline. Then it comes an hour before those
 * quiet hours begin (a deadline at 23:00 is reminded at 20:00), while people can still act. Unix milliseconds.
 */
export function beforeDeadlineAt(
  deadline: number,
  beforeHours: number,
  quiet: QuietHours | null,
  timeZone: string,
): number {
  const at = deadline - beforeHours * 60 * MINUTE_MS;
  const stretchStart = quietStretchStart(deadline, quiet, timeZone);
  if (stretchStart === null || at < stretchStart) return at;
  return stretchStart - BEFORE_QUIET_MS;
}

/**
 * When something due at `instant` may be sent: `instant` itself outside the quiet hours, otherwise the end of the
 * quiet hours it falls in (a deadline at 23:00 is reminded at 08:00 the next morning). Unix milliseconds.
 */
export function afterQuietHours(instant: number, quiet: QuietHours | null, timeZone: string): number {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return instant;
  const today = localDayMs(instant, timeZone);
  const endToday = today.from + quiet.end * MINUTE_MS;
  if (endToday > instant) return endToday;
  return localDayMs(today.to, timeZone).from + quiet.end * MINUTE_MS;
}
