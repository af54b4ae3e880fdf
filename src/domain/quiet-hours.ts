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

/** The quiet stretch that contains `instant` — from the start of the quiet hours to their end — or null. */
export function quietStretch(
  instant: Date,
  quiet: QuietHours | null,
  timeZone: string,
): { start: Date; end: Date } | null {
  if (!quiet || !isQuietAt(instant, quiet, timeZone)) return null;
  const midnight = localPeriod(instant, "day", timeZone).from.getTime();
  const startToday = midnight + quiet.start * MINUTE_MS;
  const start =
    startToday <= instant.getTime()
      ? startToday
      : localPeriod(new Date(midnight - 1), "day", timeZone).from.getTime() + quiet.start * MINUTE_MS;
  return { start: new Date(start), end: afterQuietHours(instant, quiet, timeZone) };
}

/**
 * Where a sweep covering (since, until] must start looking for due work and recent changes: `since` — or, when
 * `since` fell in quiet hours that ended by `until`, shortly before those quiet hours began, since what came due
 * or changed in them is sent when they end.
 */
export function heldSince(since: Date, until: Date, quiet: QuietHours | null, timeZone: string): Date {
  const stretch = quietStretch(since, quiet, timeZone);
  if (!stretch || stretch.end.getTime() > until.getTime()) return since;
  return new Date(stretch.start.getTime() - HELD_MARGIN_MS);
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
 * The quiet stretches whose early reminder ({@link beforeDeadlineAt}) falls in (since, until]: the deadlines inside
 * them are reminded in that span.
 */
export function stretchesRemindedIn(
  since: Date,
  until: Date,
  quiet: QuietHours | null,
  timeZone: string,
): { start: Date; end: Date }[] {
  if (!quiet) return [];
  const found: { start: Date; end: Date }[] = [];
  // A day before `since` to the day after `until`: the reminder comes before the stretch, the stretch may wrap.
  for (let day = localPeriod(new Date(since.getTime() - 24 * 60 * MINUTE_MS), "day", timeZone); ; ) {
    const start = new Date(day.from.getTime() + quiet.start * MINUTE_MS);
    const remindAt = start.getTime() - BEFORE_QUIET_MS;
    if (remindAt > until.getTime()) return found;
    const stretch = quietStretch(start, quiet, timeZone);
    if (remindAt > since.getTime() && stretch) found.push(stretch);
    day = localPeriod(day.to, "day", timeZone);
  }
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
