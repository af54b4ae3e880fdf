/**
 * A leader group's escalation slots (clock-settings.ts `escalationTimes`) as instants: the times of day at which the
 * overdue issues that came due since the slot before are sent to it in one card. Instants are Unix milliseconds.
 */

import { localDayMs } from "./deadline.ts";

const MINUTE_MS = 60_000;

/**
 * The latest slot at or before `instant`: today's, or the last of the day before. `slots` are minutes after local
 * midnight, sorted, at least one.
 */
export function slotAtOrBefore(instant: number, slots: readonly number[], timeZone: string): number {
  const midnight = localDayMs(instant, timeZone).from;
  let latest: number | undefined;
  for (const m of slots) {
    const slot = midnight + m * MINUTE_MS;
    if (slot > instant) break;
    latest = slot;
  }
  return latest ?? localDayMs(midnight - 1, timeZone).from + (slots.at(-1) ?? 0) * MINUTE_MS;
}

/** The first slot at or after `instant`: today's, or the first of the next day. `slots` as for slotAtOrBefore. */
export function slotAtOrAfter(instant: number, slots: readonly number[], timeZone: string): number {
  const today = localDayMs(instant, timeZone);
  for (const m of slots) {
    const slot = today.from + m * MINUTE_MS;
    if (slot >= instant) return slot;
  }
  return localDayMs(today.to, timeZone).from + (slots[0] ?? 0) * MINUTE_MS;
}
