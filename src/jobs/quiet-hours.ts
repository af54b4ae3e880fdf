import { localPeriod } from "../domain/deadline.ts";
import type { QuietHours } from "./clock-settings.ts";

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
