import type { QuietHours } from "./clock-settings.ts";
import { localPeriod } from "./deadline.ts";

const MINUTE_MS = 60_000;

/** Minutes since local midnight of `instant` in `timeZone`. */
export function minutesOfDay(instant: Date, timeZone: string): number {
  return Math.floor((instant.getTime() - localPeriod(instant, "day", timeZone).from.getTime()) / MINUTE_MS);
}

/** Whether `instant` falls in the quiet hours (start inclusive, end exclusive; a span may wrap over midnight). */
export function isQuietAt(instant: Date, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const m = minutesOfDay(instant, timeZone);
  return quiet.start < quiet.end ? m >= quiet.start && m < quiet.end : m >= quiet.start || m < quiet.end;
}

/**
 * How far before quiet hours a sweep at their end looks back as well: what came due in the last minutes before
 * them was not sent by the sweeps then (too early) nor since (quiet). More than a sweep interval and its margin.
 */
const HELD_MARGIN_MS = 15 * MINUTE_MS;

/**
 * Where a sweep covering (since, until] must start looking for due work and recent changes: `since` — or, when
 * `since` fell in quiet hours that ended by `until`, shortly before those quiet hours began, since what came due
 * or changed in them is sent when they end.
 */
export function heldSince(since: Date, until: Date, quiet: QuietHours | null, timeZone: string): Date {
  if (!quiet || !isQuietAt(since, quiet, timeZone)) return since;
  if (afterQuietHours(since, quiet, timeZone).getTime() > until.getTime()) return since;
  const midnight = localPeriod(since, "day", timeZone).from.getTime();
  const startToday = midnight + quiet.start * MINUTE_MS;
  const start =
    startToday <= since.getTime()
      ? startToday
      : localPeriod(new Date(midnight - 1), "day", timeZone).from.getTime() + quiet.start * MINUTE_MS;
  return new Date(start - HELD_MARGIN_MS);
}

/**
 * When something due at `instant` may be sent: `instant` itself outside the quiet hours, otherwise the end of the
 * quiet hours it falls in (a deadline at 23:00 is reminded at 08:00 the next morning).
 */
export function afterQuietHours(instant: Date, quiet: QuietHours | null, timeZone: string): Date {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return instant;
  const today = localPeriod(instant, "day", timeZone);
  const endToday = new Date(today.from.getTime() + quiet.end * MINUTE_MS);
  if (endToday.getTime() > instant.getTime()) return endToday;
  return new Date(localPeriod(today.to, "day", timeZone).from.getTime() + quiet.end * MINUTE_MS);
}
